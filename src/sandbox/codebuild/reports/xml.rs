//! A small XML tree with attributes, enough for test and coverage reports.

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

/// One element: local name, attributes, text and children.
#[derive(Debug, Default)]
pub struct Node {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Node>,
}

impl Node {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
    pub fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }
    /// Every descendant named `name`, depth first (itself included).
    pub fn descendants<'a>(&'a self, name: &str, out: &mut Vec<&'a Node>) {
        if self.name == name {
            out.push(self);
        }
        for c in &self.children {
            c.descendants(name, out);
        }
    }
}

fn node(e: &BytesStart) -> Result<Node, String> {
    let name = e.local_name().as_ref().to_string();
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|err| format!("bad attribute in <{name}>: {err}"))?;
        let key = a.key.local_name().as_ref().to_string();
        let value = a
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|err| format!("bad attribute {key} in <{name}>: {err}"))?;
        attrs.push((key, value.into_owned()));
    }
    Ok(Node { name, attrs, ..Default::default() })
}

/// Parses a document into its root element; the error says where it broke.
pub fn parse(text: &str) -> Result<Node, String> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Node> = Vec::new();
    loop {
        let at = reader.buffer_position();
        let event = reader.read_event().map_err(|e| format!("invalid XML at byte {at}: {e}"))?;
        let done = match event {
            Event::Start(e) => {
                stack.push(node(&e)?);
                None
            }
            Event::Empty(e) => Some(node(&e)?),
            Event::End(_) => Some(stack.pop().ok_or("invalid XML: a closing tag without its opening tag")?),
            Event::Text(t) => {
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&t.xml10_content());
                }
                None
            }
            Event::CData(t) => {
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&t.into_inner());
                }
                None
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().map_err(|e| format!("invalid XML: {e}"))? {
                    Some(c) => c,
                    None => match r.xml10_content().as_ref() {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "quot" => '"',
                        "apos" => '\'',
                        other => return Err(format!("invalid XML: unknown entity &{other};")),
                    },
                };
                if let Some(n) = stack.last_mut() {
                    n.text.push(c);
                }
                None
            }
            Event::Eof => return Err("invalid XML: the document ends before its root element closes".into()),
            _ => None,
        };
        if let Some(n) = done {
            match stack.last_mut() {
                Some(parent) => parent.children.push(n),
                None => return Ok(n),
            }
        }
    }
}
