//! S3's XML: a small writer for response documents and a small tree reader for
//! the few request documents (versioning, multipart completion, batch delete).

use std::fmt::Display;

use chrono::{DateTime, Utc};
use quick_xml::Reader;
use quick_xml::events::Event;

use crate::sandbox::http::{ApiError, xml_escape};

pub const NS: &str = "http://s3.amazonaws.com/doc/2006-03-01/";
/// The canonical user id every sandbox object is owned by.
pub const OWNER_ID: &str = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a";

/// ISO 8601 with milliseconds, as S3's XML carries timestamps.
pub fn iso(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// RFC 7231 date, as in Last-Modified.
pub fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Builds a document whose root carries S3's namespace.
pub struct Xml {
    out: String,
    root: &'static str,
}

impl Xml {
    pub fn new(root: &'static str) -> Self {
        Self { out: format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{root} xmlns=\"{NS}\">"), root }
    }
    pub fn open(&mut self, tag: &str) -> &mut Self {
        self.out.push_str(&format!("<{tag}>"));
        self
    }
    pub fn close(&mut self, tag: &str) -> &mut Self {
        self.out.push_str(&format!("</{tag}>"));
        self
    }
    pub fn elem(&mut self, tag: &str, text: impl Display) -> &mut Self {
        self.out.push_str(&format!("<{tag}>{}</{tag}>", xml_escape(&text.to_string())));
        self
    }
    pub fn opt(&mut self, tag: &str, text: Option<impl Display>) -> &mut Self {
        if let Some(text) = text {
            self.elem(tag, text);
        }
        self
    }
    pub fn owner(&mut self) -> &mut Self {
        self.open("Owner").elem("ID", OWNER_ID).elem("DisplayName", "sandbox").close("Owner")
    }
    pub fn finish(mut self) -> String {
        self.out.push_str(&format!("</{}>", self.root));
        self.out
    }
}

/// A parsed request element: local name, text, children.
#[derive(Debug, Default)]
pub struct Element {
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
    pub fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim())
    }
    /// The text as sent, whitespace included: in an object key it is significant.
    pub fn child_raw(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.as_str())
    }
}

pub fn malformed() -> ApiError {
    ApiError::client(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
    )
}

fn local(name: &str) -> String {
    name.to_string()
}

/// Parses a document into its root element; namespaces are dropped.
pub fn parse(body: &[u8]) -> Result<Element, ApiError> {
    let text = std::str::from_utf8(body).map_err(|_| malformed())?;
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    loop {
        match reader.read_event().map_err(|_| malformed())? {
            Event::Start(e) => stack.push(Element { name: local(e.local_name().as_ref()), ..Default::default() }),
            Event::Empty(e) => {
                let el = Element { name: local(e.local_name().as_ref()), ..Default::default() };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => return Ok(el),
                }
            }
            Event::End(_) => {
                let el = stack.pop().ok_or_else(malformed)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => return Ok(el),
                }
            }
            Event::Text(t) => {
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&t.into_inner());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|_| malformed())? {
                    Some(c) => c,
                    None => match r.xml10_content().as_ref() {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "quot" => '"',
                        "apos" => '\'',
                        _ => return Err(malformed()),
                    },
                };
                if let Some(el) = stack.last_mut() {
                    el.text.push(resolved);
                }
            }
            Event::Eof => return Err(malformed()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_namespaced_documents_with_entities() {
        let doc = br#"<?xml version="1.0"?><CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
            <Part><ETag>&quot;abc&quot;</ETag><PartNumber>1</PartNumber></Part>
            <Part><ETag>"d&#101;f"</ETag><PartNumber>2</PartNumber></Part><Empty/></CompleteMultipartUpload>"#;
        let root = parse(doc).unwrap();
        assert_eq!(root.name, "CompleteMultipartUpload");
        let parts: Vec<_> = root
            .children("Part")
            .map(|p| (p.child_text("PartNumber").unwrap(), p.child_text("ETag").unwrap()))
            .collect();
        assert_eq!(parts, vec![("1", "\"abc\""), ("2", "\"def\"")]);
        assert!(root.child("Empty").is_some());
    }

    #[test]
    fn raw_text_keeps_whitespace_and_character_references() {
        let root =
            parse(b"<Delete><Object><Key> lead</Key></Object><Object><Key>a&#13;b\r\nc </Key></Object></Delete>")
                .unwrap();
        let keys: Vec<_> = root.children("Object").map(|o| o.child_raw("Key").unwrap()).collect();
        // A literal CR LF is one LF to an XML reader; only &#13; is a CR.
        assert_eq!(keys, vec![" lead", "a\rb\nc "]);
    }

    #[test]
    fn rejects_broken_documents() {
        assert_eq!(parse(b"<a><b></a>").unwrap_err().code, "MalformedXML");
        assert_eq!(parse(b"<a>").unwrap_err().code, "MalformedXML");
        assert_eq!(parse(b"").unwrap_err().code, "MalformedXML");
    }

    #[test]
    fn writer_escapes_and_closes_the_root() {
        let mut x = Xml::new("R");
        x.elem("Key", "a<&>b").opt("None", None::<&str>);
        assert_eq!(
            x.finish(),
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<R xmlns=\"{NS}\"><Key>a&lt;&amp;&gt;b</Key></R>")
        );
        let mut x = Xml::new("R");
        x.elem("Key", "cr\rlf\n");
        let doc = x.finish();
        assert!(doc.contains("<Key>cr&#13;lf\n</Key>"), "{doc}");
        let back = parse(doc.as_bytes()).unwrap();
        assert_eq!(back.child_raw("Key"), Some("cr\rlf\n"), "a reader gets the CR back");
    }
}
