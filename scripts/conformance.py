#!/usr/bin/env python3
"""The sandbox's CodePipeline, CodeBuild and CloudWatch Logs answers checked
against AWS's own API models (botocore's service-2.json, in the test venv).

  conformance.py check RECORD.jsonl    every recorded answer against its
                                       operation's model: outputs against the
                                       output shape, error codes against the
                                       modelled errors and the common errors
  conformance.py probe [--cbor] [--endpoint-url URL]
                                       every operation of the three services
                                       through botocore (parameter validation
                                       off), with an empty input, made-up
                                       names and the demo's names beside
                                       made-up ids; --cbor: codepipeline and
                                       codebuild over RPC v2 CBOR
  conformance.py cbor-models DIR       model copies for AWS_DATA_PATH that make
                                       botocore and awscli pick rpc-v2-cbor
  conformance.py facts SERVICE         what the sandbox's CBOR encoder must
                                       know from the model, as JSON

The keys for `probe` come from the environment (AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_REGION), as for awscli; the endpoint from
--endpoint-url or AWS_ENDPOINT_URL.
"""

import base64
import datetime
import json
import os
import sys
import tempfile

import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

SERVICES = ("codepipeline", "codebuild", "logs")
CBOR_SERVICES = ("codepipeline", "codebuild")

# The "Common Errors" section of the CodePipeline, CodeBuild and CloudWatch
# Logs API References (the same list in each): errors any action may return.
COMMON_ERRORS = {
    "AccessDeniedException",
    "IncompleteSignature",
    "InternalFailure",
    "InvalidAction",
    "InvalidClientTokenId",
    "NotAuthorized",
    "OptInRequired",
    "RequestExpired",
    "ServiceUnavailable",
    "ThrottlingException",
    "ValidationError",
}
# The same errors as JSON-protocol services spell them (ValidationError is
# ValidationException, InvalidAction is UnknownOperationException), and the
# JSON protocols' own error for a body that is not a valid document.
COMMON_ERRORS |= {"ValidationException", "UnknownOperationException", "SerializationException"}

# Timestamps are epoch seconds in JSON 1.1; a value outside 2000..2100 is a
# unit mistake (milliseconds) rather than a date.
EPOCH_RANGE = (946684800, 4102444800)

UNKNOWN_ID = "0b0c0d0e-1111-4222-8333-444455556666"
UNKNOWN_NAME = "probe-unknown"
# The demo configuration's names (assets/sandbox/demo.json), so a probe can
# reach the checks behind "the pipeline exists".
KNOWN = {
    "codepipeline": {"name": "mlops-demo", "pipelineName": "mlops-demo", "stageName": "Build"},
    "codebuild": {"projectName": "mlops-demo-build"},
    "logs": {"logGroupName": "/aws/codebuild/mlops-demo-build"},
}


def session():
    return botocore.session.get_session()


def model(sess, service):
    return sess.get_service_model(service)


# ---------------------------------------------------------------- check


class Checker:
    def __init__(self, sess):
        self.models = {s: model(sess, s) for s in SERVICES}
        self.failures = []

    def fail(self, where, what):
        self.failures.append(f"{where}: {what}")

    def record(self, rec):
        service, op = rec.get("service"), rec.get("operation")
        where = f"{rec.get('protocol')} {service}.{op}"
        m = self.models.get(service)
        if m is None:
            return self.fail(where, "not a service the sandbox serves over JSON")
        if op not in m.operation_names:
            if rec.get("error") != "UnknownOperationException":
                self.fail(where, "the operation is not in the model")
            return
        o = m.operation_model(op)
        if "error" in rec:
            modelled = {e.name for e in o.error_shapes}
            if rec["error"] not in modelled | COMMON_ERRORS:
                self.fail(where, f"error {rec['error']} is neither modelled for it ({sorted(modelled)}) nor common")
            return
        output = rec.get("output")
        if o.output_shape is None:
            if output not in ({}, None):
                self.fail(where, f"the operation has no output, but answered {output}")
            return
        self.value(where, "", output, o.output_shape)

    def value(self, where, path, v, shape):
        t = shape.type_name
        here = f"{where} {path or '<output>'}"
        if t == "structure":
            if not isinstance(v, dict):
                return self.fail(here, f"{shape.name} is a structure, got {type(v).__name__}")
            for k in v:
                if k not in shape.members:
                    self.fail(here, f"unknown member {k!r} of {shape.name}")
            for k in shape.required_members:
                if v.get(k) is None:
                    self.fail(here, f"required member {k!r} of {shape.name} is missing")
            if getattr(shape, "is_tagged_union", False) and len([x for x in v.values() if x is not None]) != 1:
                self.fail(here, f"union {shape.name} must have exactly one member set")
            for k, x in v.items():
                if k in shape.members and x is not None:
                    self.value(where, f"{path}.{k}" if path else k, x, shape.members[k])
        elif t == "list":
            if not isinstance(v, list):
                return self.fail(here, f"{shape.name} is a list, got {type(v).__name__}")
            for i, x in enumerate(v):
                self.value(where, f"{path}[{i}]", x, shape.member)
        elif t == "map":
            if not isinstance(v, dict):
                return self.fail(here, f"{shape.name} is a map, got {type(v).__name__}")
            for k, x in v.items():
                self.value(where, f"{path}<key>", k, shape.key)
                self.value(where, f"{path}[{k!r}]", x, shape.value)
        elif t == "string":
            if not isinstance(v, str):
                return self.fail(here, f"{shape.name} is a string, got {v!r}")
            if shape.enum and v not in shape.enum:
                self.fail(here, f"{v!r} is not a value of enum {shape.name} {shape.enum}")
        elif t in ("integer", "long"):
            if isinstance(v, bool) or not isinstance(v, int):
                self.fail(here, f"{shape.name} is an {t}, got {v!r}")
        elif t in ("float", "double"):
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                self.fail(here, f"{shape.name} is a {t}, got {v!r}")
        elif t == "boolean":
            if not isinstance(v, bool):
                self.fail(here, f"{shape.name} is a boolean, got {v!r}")
        elif t == "timestamp":
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                self.fail(here, f"{shape.name} is a timestamp (epoch seconds), got {v!r}")
            elif not EPOCH_RANGE[0] <= v <= EPOCH_RANGE[1]:
                self.fail(here, f"{v!r} is not epoch seconds between 2000 and 2100")
        elif t == "blob":
            try:
                base64.b64decode(v, validate=True)
            except Exception:
                self.fail(here, f"{shape.name} is a blob (base64), got {v!r}")


def check(path):
    checker = Checker(session())
    answered = {}
    with open(path) as f:
        records = [json.loads(line) for line in f if line.strip()]
    for rec in records:
        checker.record(rec)
        key = (rec.get("service"), rec.get("operation"))
        ok, other = answered.get(key, (0, set()))
        if rec.get("status") == 200:
            ok += 1
        else:
            other = other | {rec.get("error")}
        answered[key] = (ok, other)
    # An implemented operation answers something else than "unknown operation"
    # (or a throttle, which comes before the operation is looked at); each must
    # have been seen succeeding, so its output shape was checked.
    not_evidence = {"UnknownOperationException", "ThrottlingException"}
    implemented = {k: v for k, v in answered.items() if v[0] or v[1] - not_evidence}
    for (service, op), (ok, errors) in sorted(implemented.items()):
        if not ok:
            checker.fail(f"{service}.{op}", f"implemented (answered {sorted(errors)}) but never seen succeeding")
    for service in SERVICES:
        ops = sorted(op for (s, op) in implemented if s == service)
        print(f"{service}: {len(ops)} operations answered: {' '.join(ops)}")
    errors = sorted({(s, op, e) for (s, op), (_, es) in implemented.items() for e in es})
    print(f"{len(records)} answers checked; error codes seen: " + ", ".join(f"{s}.{op}:{e}" for s, op, e in errors))
    for f in sorted(set(checker.failures)):
        print("FAIL", f)
    return 1 if checker.failures else 0


# ---------------------------------------------------------------- probe


def synth(shape, name, service, depth=0):
    """A value the model accepts for `shape`, naming nothing that exists."""
    t = shape.type_name
    meta = shape.metadata
    if t == "structure":
        if depth > 4:
            return {}
        return {k: synth(shape.members[k], k, service, depth + 1) for k in shape.required_members}
    if t == "list":
        return [synth(shape.member, name, service, depth + 1) for _ in range(max(1, meta.get("min", 1)))]
    if t == "map":
        return {"probe": synth(shape.value, name, service, depth + 1)}
    if t == "string":
        if shape.enum:
            return shape.enum[0]
        if "[0-9a-f]{8}-" in meta.get("pattern", ""):
            return UNKNOWN_ID
        if name.lower().endswith("arn"):
            kind = "log-group:" if service == "logs" else "probe/"
            return f"arn:aws:{service}:us-east-1:123456789012:{kind}{UNKNOWN_NAME}"
        value = UNKNOWN_NAME
        lo, hi = meta.get("min", 0), meta.get("max", 1 << 20)
        return (value + "x" * lo)[: max(lo, min(hi, len(value)))]
    if t in ("integer", "long"):
        return min(max(meta.get("min", 1), 1), meta.get("max", 1 << 31))
    if t in ("float", "double"):
        return 1.0
    if t == "boolean":
        return False
    if t == "timestamp":
        return datetime.datetime.now(datetime.timezone.utc)
    if t == "blob":
        return b"probe"
    return None


def probes(op_model, service):
    """(label, params) to send: empty, made up, and the demo's names beside made-up ids."""
    shape = op_model.input_shape
    yield "empty", {}
    if shape is None:
        return
    made_up = synth(shape, "", service)
    yield "unknown names", made_up
    known = KNOWN.get(service, {})
    free = [
        k for k in shape.required_members
        if shape.members[k].type_name == "string" and not shape.members[k].enum and k not in known
    ]
    if free and any(k in known for k in shape.required_members):
        yield "known names", {**made_up, **{k: v for k, v in known.items() if k in shape.members}}


def probe(cbor, endpoint):
    sess = session()
    services = CBOR_SERVICES if cbor else SERVICES
    data_dir = None
    if cbor:
        data_dir = tempfile.mkdtemp(prefix="cbor-models-")
        write_cbor_models(sess, data_dir)
        sess = botocore.session.get_session()
        sess.set_config_variable("data_path", data_dir)
    # No host prefixes (StartLiveTail's "stream-"): the sandbox is one host.
    # Throttled calls are retried as the SDKs' standard mode retries them.
    retries = {"mode": "standard", "max_attempts": 8}
    config = Config(parameter_validation=False, inject_host_prefix=False, retries=retries)
    sent = 0
    failures = []
    for service in services:
        client = sess.create_client(service, endpoint_url=endpoint, config=config)
        protocol = client.meta.service_model.resolved_protocol
        if cbor and protocol != "smithy-rpc-v2-cbor":
            print(f"{service}: botocore picked {protocol}, not smithy-rpc-v2-cbor", file=sys.stderr)
            return 1
        m = client.meta.service_model
        for op in m.operation_names:
            o = m.operation_model(op)
            method = getattr(client, botocore.xform_name(op))
            for label, params in probes(o, service):
                sent += 1
                try:
                    method(**params)
                    code = "OK"
                except ClientError as e:
                    code = e.response["Error"]["Code"]
                except (BotoCoreError, ResponseParserError) as e:
                    # The client could not read the answer: a wire-format fault.
                    failures.append(f"{service}.{op} ({label}): {e}")
                    continue
                if label == "empty" and code == "UnknownOperationException":
                    break
    print(f"{sent} probes sent over {'rpc-v2-cbor' if cbor else 'JSON 1.1'}")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


# ---------------------------------------------------------------- cbor-models, facts


def write_cbor_models(sess, out_dir):
    loader = sess.get_component("data_loader")
    for service in CBOR_SERVICES:
        version = loader.determine_latest_version(service, "service-2")
        m = loader.load_service_model(service, "service-2", version)
        if "smithy-rpc-v2-cbor" not in m["metadata"].get("protocols", []):
            raise SystemExit(f"{service}'s model does not list smithy-rpc-v2-cbor")
        # Only the protocol botocore picks changes; shapes and names stay.
        m["metadata"]["protocols"] = ["smithy-rpc-v2-cbor"]
        m["metadata"]["protocol"] = "smithy-rpc-v2-cbor"
        d = os.path.join(out_dir, service, version)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "service-2.json"), "w") as f:
            json.dump(m, f)


def facts(service):
    m = model(session(), service)
    names = set()
    for shape_name in m.shape_names:
        shape = m.shape_for(shape_name)
        if shape.type_name == "structure":
            names |= {k for k, s in shape.members.items() if s.type_name == "timestamp"}
    unit = sorted(op for op in m.operation_names if m.operation_model(op).output_shape is None)
    print(json.dumps({"protocols": m.metadata.get("protocols", []), "timestamps": sorted(names), "unit_output": unit}))
    return 0


def main(argv):
    if len(argv) >= 2 and argv[0] == "check":
        return check(argv[1])
    if argv[:1] == ["probe"]:
        rest = argv[1:]
        url = rest[rest.index("--endpoint-url") + 1] if "--endpoint-url" in rest[:-1] else os.environ["AWS_ENDPOINT_URL"]
        return probe("--cbor" in rest, url)
    if len(argv) == 2 and argv[0] == "cbor-models":
        write_cbor_models(session(), argv[1])
        return 0
    if len(argv) == 2 and argv[0] == "facts":
        return facts(argv[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
