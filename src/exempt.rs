//! Exemptions: request paths that pass without a pre-authentication secret.
//!
//! Arguments of `mattermost_preauth_exempt` are read as a sequence of
//! patterns:
//!
//! - `/path` or `= /path`: the normalized URI equals the path;
//! - `^~ /prefix`: the normalized URI starts with the prefix;
//! - `~ REGEX` or `~* REGEX`: a regular expression, case-sensitive or not.
//!
//! Unlike `location`, a bare path is an exact match: an exemption that is
//! wider than meant opens the gate, one that is narrower only asks for the
//! secret. Exact and prefix patterns are matched here; regular expressions
//! are compiled and run by nginx's PCRE, so this module only checks their
//! shape.

use core::fmt;

/// One parsed exemption pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    Exact(Vec<u8>),
    Prefix(Vec<u8>),
    Regex { source: Vec<u8>, caseless: bool },
}

/// Why an argument list is not a valid list of patterns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternError {
    /// An argument is neither a modifier nor a path starting with `/`.
    NotAPath(Vec<u8>),
    /// A modifier is the last argument.
    MissingOperand(&'static str),
    /// A path contains `?`: the query string is never matched.
    QueryString(Vec<u8>),
    /// A regular expression is empty.
    EmptyRegex,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAPath(arg) => write!(
                f,
                "has an invalid pattern \"{}\": a path must start with \"/\", or follow \
                 one of the modifiers \"=\", \"^~\", \"~\" or \"~*\"",
                arg.escape_ascii()
            ),
            Self::MissingOperand(modifier) => {
                write!(f, "has \"{modifier}\" without a pattern after it")
            }
            Self::QueryString(arg) => write!(
                f,
                "has an invalid pattern \"{}\": exemptions match the path only, never \
                 the query string",
                arg.escape_ascii()
            ),
            Self::EmptyRegex => f.write_str("has an empty regular expression"),
        }
    }
}

/// Parses the arguments of one `mattermost_preauth_exempt` directive.
pub fn parse_patterns<'a, I>(args: I) -> Result<Vec<Pattern>, PatternError>
where
    I: IntoIterator<Item = &'a [u8]>,
{
    let mut args = args.into_iter();
    let mut patterns = Vec::new();

    while let Some(arg) = args.next() {
        let pattern = match arg {
            b"=" => Pattern::Exact(path(args.next().ok_or(PatternError::MissingOperand("="))?)?),
            b"^~" => Pattern::Prefix(path(
                args.next().ok_or(PatternError::MissingOperand("^~"))?,
            )?),
            b"~" | b"~*" => {
                let modifier = if arg == b"~" { "~" } else { "~*" };
                let source = args.next().ok_or(PatternError::MissingOperand(modifier))?;
                if source.is_empty() {
                    return Err(PatternError::EmptyRegex);
                }
                Pattern::Regex {
                    source: source.to_vec(),
                    caseless: modifier == "~*",
                }
            }
            _ => Pattern::Exact(path(arg)?),
        };

        patterns.push(pattern);
    }

    Ok(patterns)
}

fn path(arg: &[u8]) -> Result<Vec<u8>, PatternError> {
    if arg.first() != Some(&b'/') {
        return Err(PatternError::NotAPath(arg.to_vec()));
    }

    if arg.contains(&b'?') {
        return Err(PatternError::QueryString(arg.to_vec()));
    }

    Ok(arg.to_vec())
}

/// The exact and prefix exemptions in effect at one configuration level.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathExemptions {
    exact: Vec<Vec<u8>>,
    prefix: Vec<Vec<u8>>,
}

impl PathExemptions {
    pub fn add_exact(&mut self, path: Vec<u8>) {
        self.exact.push(path);
    }

    pub fn add_prefix(&mut self, path: Vec<u8>) {
        self.prefix.push(path);
    }

    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.prefix.is_empty()
    }

    /// Whether the normalized URI is exempt by an exact or prefix pattern.
    pub fn matches(&self, uri: &[u8]) -> bool {
        self.exact.iter().any(|p| p.as_slice() == uri)
            || self.prefix.iter().any(|p| uri.starts_with(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Vec<Pattern>, PatternError> {
        parse_patterns(args.iter().map(|a| a.as_bytes()))
    }

    fn exact(p: &str) -> Pattern {
        Pattern::Exact(p.as_bytes().to_vec())
    }

    #[test]
    fn parses_each_form() {
        assert_eq!(
            parse(&["/a", "= /b", "^~", "/static/", "~", "^/x$", "~*", "\\.png$"]),
            Err(PatternError::NotAPath(b"= /b".to_vec()))
        );
        assert_eq!(
            parse(&["/a", "=", "/b", "^~", "/static/", "~", "^/x$", "~*", "\\.png$"]),
            Ok(vec![
                exact("/a"),
                exact("/b"),
                Pattern::Prefix(b"/static/".to_vec()),
                Pattern::Regex {
                    source: b"^/x$".to_vec(),
                    caseless: false
                },
                Pattern::Regex {
                    source: b"\\.png$".to_vec(),
                    caseless: true
                },
            ])
        );
    }

    #[test]
    fn rejects_bad_patterns() {
        assert_eq!(
            parse(&["api"]),
            Err(PatternError::NotAPath(b"api".to_vec()))
        );
        assert_eq!(parse(&[""]), Err(PatternError::NotAPath(Vec::new())));
        assert_eq!(
            parse(&["^~", "static/"]),
            Err(PatternError::NotAPath(b"static/".to_vec()))
        );
        assert_eq!(parse(&["~"]), Err(PatternError::MissingOperand("~")));
        assert_eq!(
            parse(&["/a", "~*"]),
            Err(PatternError::MissingOperand("~*"))
        );
        assert_eq!(parse(&["^~"]), Err(PatternError::MissingOperand("^~")));
        assert_eq!(parse(&["="]), Err(PatternError::MissingOperand("=")));
        assert_eq!(parse(&["~", ""]), Err(PatternError::EmptyRegex));
        assert_eq!(
            parse(&["/a?b=1"]),
            Err(PatternError::QueryString(b"/a?b=1".to_vec()))
        );
        assert_eq!(
            parse(&["~~", "/x"]),
            Err(PatternError::NotAPath(b"~~".to_vec()))
        );
    }

    #[test]
    fn error_messages_quote_the_argument() {
        let text = PatternError::NotAPath(b"api\n".to_vec()).to_string();
        assert!(text.contains("\"api\\n\""), "{text}");
    }

    #[test]
    fn exact_is_exact() {
        let mut e = PathExemptions::default();
        e.add_exact(b"/api/v4/notifications/ack".to_vec());
        assert!(e.matches(b"/api/v4/notifications/ack"));
        assert!(!e.matches(b"/api/v4/notifications/ack/"));
        assert!(!e.matches(b"/api/v4/notifications/ackx"));
        assert!(!e.matches(b"/api/v4/notifications/ac"));
        assert!(!e.matches(b"/API/v4/notifications/ack"));
    }

    #[test]
    fn prefix_matches_below() {
        let mut e = PathExemptions::default();
        e.add_prefix(b"/static/".to_vec());
        assert!(e.matches(b"/static/"));
        assert!(e.matches(b"/static/main.js"));
        assert!(!e.matches(b"/static"));
        assert!(!e.matches(b"/api/static/x"));
    }

    #[test]
    fn empty_matches_nothing() {
        let e = PathExemptions::default();
        assert!(e.is_empty());
        assert!(!e.matches(b"/"));
    }
}
