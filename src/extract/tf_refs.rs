//! A Terraform module's variables and locals, for [`super::hcl`]: `variable` blocks with a
//! literal `default` and `locals` whose value is a literal or a string template over known
//! variables and locals, read from the file and from the other `.tf` files of its folder.
//!
//! A variable that a `.tfvars` file of the folder (`terraform.tfvars`, `*.auto.tfvars`, any
//! `*.tfvars`) assigns is not taken at its default: the value deployed is not the file's to
//! say, so it stays unknown. A placeholder default stays unknown, and is reported (CMK115) when
//! a policy uses it: at the default when declared in the file being checked, else at the use. A folder is read once per run (bounded: its first
//! 64 `.tf`/`.tfvars` files of at most 1 MB each), then shared by its files.

use super::Note;
use super::refs::{Known, Refs};
use crate::data::placeholders::find_placeholder;
use crate::source::Span;
use hcl_edit::expr::Expression;
use hcl_edit::structure::Body;
use hcl_edit::template::{Element, Template};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// Files of the folder read at most, and their size each.
const MAX_FILES: usize = 64;
const MAX_FILE_SIZE: u64 = 1 << 20;

/// A variable default or a local, as written.
#[derive(Clone)]
struct Def {
    /// `var.x` / `local.x`.
    name: String,
    /// The value with unknown parts as `${...}` (`None`: not a string-like value).
    text: Option<String>,
    /// In the file being checked: where the value is written.
    span: Option<Span>,
    /// In another file: `variables.tf:12`.
    elsewhere: Option<String>,
    /// A placeholder default declared in another file: the message reporting it at a use.
    placeholder: Option<String>,
}

/// The CMK115 note of a placeholder default, for variable `.0` (`var.x`), reported when a
/// policy uses it: at the default (`.2` false), or at the first use (`.2` true: declared in
/// another file).
pub type Pending = (String, Note, bool);

/// The definitions of a module (the folder of a `.tf` file).
pub struct Module {
    defs: Vec<Def>,
    /// `.tfvars` texts of the folder.
    tfvars: String,
    /// Placeholder defaults of the file being checked, by variable (`var.x`).
    notes: Vec<Pending>,
}

impl Module {
    /// Read the definitions of `body` (the file at `path`, text `text`) and, when `path` is a
    /// file on disk, of the other `.tf` files of its folder.
    pub fn read(path: &Path, text: &str, body: &Body) -> Module {
        let mut m = Module { defs: Vec::new(), tfvars: String::new(), notes: Vec::new() };
        m.collect(text, body, None);
        // Standard input (or a test's text) has no folder.
        if !path.is_file() {
            return m;
        }
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let folder = folder(dir);
        let own = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        m.defs.extend(folder.defs.iter().filter(|(file, _)| *file != own).map(|(_, d)| d.clone()));
        m.tfvars.clone_from(&folder.tfvars);
        m
    }

    fn collect(&mut self, text: &str, body: &Body, file: Option<&str>) {
        let at = |span: Span| {
            file.map(|f| format!("{f}:{}", text[..(span.start as usize).min(text.len())].matches('\n').count() + 1))
        };
        for block in body.blocks() {
            let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
            match (block.ident.as_str(), labels.as_slice()) {
                ("variable", [name]) => {
                    let Some(d) = block.body.get_attribute("default") else { continue };
                    let span = span_of(&d.value);
                    let text = literal(&d.value);
                    if let Some(v) = &text
                        && let Some((start, end, what)) = find_placeholder(v)
                    {
                        if let Some(f) = at(span) {
                            // Declared in another file: reported where this file uses it.
                            let message = format!(
                                "the default of variable `{name}` ({f}) is {what} (`{}`), and this policy gets it unless the variable is set",
                                &v[start..end]
                            );
                            let placeholder = Some(message);
                            let name = format!("var.{name}");
                            self.defs.push(Def { name, text: None, span: None, elsewhere: None, placeholder });
                            continue;
                        }
                        let quoted = matches!(d.value, Expression::String(_)) as usize;
                        let s = span.start as usize + quoted;
                        let note = Note {
                            rule: crate::diagnostic::RuleId::PlaceholderValue,
                            span: Span::new(s + start, s + end),
                            message: format!(
                                "the default of variable `{name}` is {what} (`{}`): every policy using `var.{name}` gets it unless the variable is set",
                                &v[start..end]
                            ),
                            help: Some(format!(
                                "put the real value in the `default` of `{name}` (for Pinecone's account and the external ID: the Pinecone console, Manage > CMEK > Add CMEK), or remove the `default` so it must be set"
                            )),
                            origin: Some(format!("variable.{name}")),
                        };
                        self.notes.push((format!("var.{name}"), note, false));
                        let name = format!("var.{name}");
                        self.defs.push(Def { name, text: None, span: None, elsewhere: None, placeholder: None });
                        continue;
                    }
                    let (span, elsewhere) = if file.is_some() { (None, at(span)) } else { (Some(span), None) };
                    self.defs.push(Def { name: format!("var.{name}"), text, span, elsewhere, placeholder: None });
                }
                ("locals", []) => {
                    for a in block.body.attributes() {
                        let span = span_of(&a.value);
                        let value = template(text, &a.value);
                        let (span, elsewhere) = if file.is_some() { (None, at(span)) } else { (Some(span), None) };
                        let name = format!("local.{}", a.key.as_str());
                        self.defs.push(Def { name, text: value, span, elsewhere, placeholder: None });
                    }
                }
                _ => {}
            }
        }
    }

    /// Whether a `.tfvars` file of the folder sets variable `name`.
    fn set_by_tfvars(&self, name: &str) -> bool {
        self.tfvars.lines().any(|l| {
            let l = l.trim_start().trim_start_matches('"');
            l.strip_prefix(name).is_some_and(|r| {
                let r = r.trim_start_matches('"').trim_start();
                r.starts_with('=') || r.starts_with(':')
            })
        })
    }

    /// The references known: variables first, then locals over them (a few rounds, for locals
    /// of locals); and the CMK115 notes of placeholder defaults, by variable (`var.x`, watched:
    /// see [`Refs::was_used`]).
    pub fn refs(mut self) -> (Refs, Vec<Pending>) {
        let mut refs = Refs::default();
        let mut notes = std::mem::take(&mut self.notes);
        for d in &self.defs {
            if let Some(message) = &d.placeholder {
                let note = Note {
                    rule: crate::diagnostic::RuleId::PlaceholderValue,
                    span: Span::empty(0),
                    message: message.clone(),
                    help: Some(
                        "put the real value in the variable's `default`, or remove the `default` so it must be set"
                            .into(),
                    ),
                    origin: None,
                };
                notes.push((d.name.clone(), note, true));
            }
        }
        for (name, _, _) in &notes {
            refs.watch(name);
        }
        let known = |d: &Def, value: String, what: String| Known {
            value,
            from: match &d.elsewhere {
                Some(at) => format!("{what} ({at})"),
                None => what,
            },
            at: d.span,
            file: d.elsewhere.clone(),
        };
        // A name defined twice (in two files) is not guessed at.
        let once = |name: &str| self.defs.iter().filter(|d| d.name == name).count() == 1;
        for d in self.defs.iter().filter(|d| d.name.starts_with("var.")) {
            let short = &d.name["var.".len()..];
            if let Some(v) = &d.text
                && once(&d.name)
                && !v.contains("${")
                && !self.set_by_tfvars(short)
            {
                refs.insert(&d.name, known(d, v.clone(), format!("the default of variable `{short}`")));
            }
        }
        let mut pending: Vec<&Def> =
            self.defs.iter().filter(|d| d.name.starts_with("local.") && d.text.is_some() && once(&d.name)).collect();
        for _ in 0..4 {
            let mut next = Vec::new();
            for d in pending {
                let text = d.text.as_deref().unwrap_or_default();
                refs.take_uses();
                let v = refs.substitute(text, Span::empty(0));
                if v.contains("${") {
                    next.push(d);
                } else {
                    // Say what the local is made of: "local `x` (with the default of ...)".
                    let mut what = format!("local `{}`", &d.name["local.".len()..]);
                    let mut from: Vec<String> = refs.take_uses().into_iter().map(|u| u.from).collect();
                    from.dedup();
                    if !from.is_empty() {
                        what.push_str(&format!(", from {}", from.join(" and ")));
                    }
                    refs.insert(&d.name, known(d, v, what));
                }
            }
            pending = next;
        }
        // Uses while building are not uses in a policy.
        refs.take_uses();
        (refs, notes)
    }
}

/// The definitions of every `.tf` file of a folder (with the file each is in) and its
/// `.tfvars` texts.
struct Folder {
    defs: Vec<(String, Def)>,
    tfvars: String,
}

/// A folder's definitions, read once per run (every `.tf` file of a module reads them).
fn folder(dir: &Path) -> Arc<Folder> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<Folder>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(f) = cache.lock().ok().and_then(|c| c.get(dir).cloned()) {
        return f;
    }
    let f = Arc::new(read_folder(dir));
    if let Ok(mut c) = cache.lock() {
        c.insert(dir.to_path_buf(), f.clone());
    }
    f
}

fn read_folder(dir: &Path) -> Folder {
    let mut out = Folder { defs: Vec::new(), tfvars: String::new() };
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && std::fs::metadata(p).is_ok_and(|md| md.len() <= MAX_FILE_SIZE))
        .filter(|p| p.to_string_lossy().ends_with(".tf") || p.to_string_lossy().contains(".tfvars"))
        .collect();
    files.sort();
    for p in files.into_iter().take(MAX_FILES) {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let Ok(text) = std::fs::read_to_string(&p) else { continue };
        if name.ends_with(".tfvars") || name.ends_with(".tfvars.json") {
            out.tfvars.push_str(&text);
            out.tfvars.push('\n');
        } else if name.ends_with(".tf")
            && (text.contains("variable") || text.contains("locals"))
            && let Ok(b) = hcl_edit::parser::parse_body(&text)
        {
            let mut m = Module { defs: Vec::new(), tfvars: String::new(), notes: Vec::new() };
            m.collect(&text, &b, Some(&name));
            out.defs.extend(m.defs.into_iter().map(|d| (name.clone(), d)));
        }
    }
    out
}

fn span_of(x: &impl hcl_edit::Span) -> Span {
    x.span().map_or(Span::empty(0), |r| Span::new(r.start, r.end))
}

/// A literal's text: a string, a number, a boolean.
fn literal(e: &Expression) -> Option<String> {
    match e {
        Expression::String(s) => Some(s.value().to_string()),
        Expression::Number(n) => Some(n.value().to_string()),
        Expression::Bool(b) => Some(b.value().to_string()),
        _ => None,
    }
}

/// A local's value with references as `${var.x}` / `${local.y}`: a literal, a string template
/// (directives and other expressions make it unknown), or a lone reference.
fn template(text: &str, e: &Expression) -> Option<String> {
    let slice = |s: Span| text.get(s.range()).unwrap_or("").trim().to_string();
    match e {
        Expression::Traversal(_) => Some(format!("${{{}}}", slice(span_of(e)))),
        Expression::StringTemplate(t) => template_text(text, t),
        Expression::Parenthesis(p) => template(text, p.inner()),
        other => literal(other),
    }
}

fn template_text(text: &str, t: &Template) -> Option<String> {
    let mut out = String::new();
    for e in t.iter() {
        match e {
            Element::Literal(l) => out.push_str(l.value()),
            Element::Interpolation(i) => {
                let s = span_of(&i.expr);
                out.push_str(&format!("${{{}}}", text.get(s.range()).unwrap_or("").trim()));
            }
            Element::Directive(_) => return None,
        }
    }
    Some(out)
}
