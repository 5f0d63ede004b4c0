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
//! shape, and finds the literal prefix that a URI must start with for one
//! to match, so that a refused request runs only those it could match.

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

/// Whether a request target as the client sent it, query string included,
/// spells the normalized URI exactly: its path, up to the first `?`, is the
/// URI, and has no repeated slash.
pub fn is_canonical_target(sent: &[u8], uri: &[u8]) -> bool {
    // the URI, then the end or the query string
    let Some(rest) = sent.strip_prefix(uri) else {
        return false;
    };
    if !matches!(rest.first(), None | Some(b'?')) {
        return false;
    }

    // one pass for both: a `?` in the URI would end the path before it
    let mut slash = false;
    for &c in uri {
        if c == b'?' || (slash && c == b'/') {
            return false;
        }
        slash = c == b'/';
    }

    true
}

/// Bytes that are not a literal in a regular expression outside a
/// character class. `]` and `}` are literals there, but taken as ends.
const METACHARACTERS: &[u8] = b"\\^$.[]|()?*+{}";

/// What a URI must start with for a regular expression to match it, found
/// when the configuration is read; empty when nothing is known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegexPrefix {
    bytes: Vec<u8>,
    /// When the pattern goes on with a group of alternatives: the literal
    /// start of each, one of which the URI goes on with. Empty when
    /// nothing is known of what follows.
    next: Vec<Vec<u8>>,
    caseless: bool,
}

impl RegexPrefix {
    /// The prefix of an exemption's regular expression, as nginx compiles
    /// it: without the multiline and UTF options, caseless for `~*`.
    ///
    /// A caseless prefix compares ASCII letters in either case and every
    /// other byte exactly, which is all that PCRE folds there: nginx sets
    /// neither UTF nor Unicode properties, the `(*UTF)` and `(*UCP)` verbs
    /// that would set them must open the pattern (one with a prefix opens
    /// with `^`), and without them PCRE folds bytes by its built-in tables
    /// (nginx passes none), where an ASCII letter pairs only with itself in
    /// the other case. Were UTF on, the Kelvin sign would match `k`. Inline
    /// options such as `(?i)` come after a `(`, where the prefix has ended.
    /// A prefix never has a byte of 0x80 or above.
    pub fn of(source: &[u8], caseless: bool) -> Self {
        let (bytes, next) = literal_start(source);
        Self {
            bytes,
            next,
            caseless,
        }
    }

    #[cfg(test)]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The literal starts of the alternatives that follow the prefix.
    #[cfg(test)]
    pub fn next(&self) -> &[Vec<u8>] {
        &self.next
    }

    /// Whether a URI starts with the prefix, and then with one of the
    /// alternatives if they are known, and so may match; always true for
    /// an empty prefix without alternatives.
    pub fn admits(&self, uri: &[u8]) -> bool {
        let Some(rest) = self.strip(uri, &self.bytes) else {
            return false;
        };

        self.next.is_empty() || self.next.iter().any(|alt| self.strip(rest, alt).is_some())
    }

    /// What follows `head` in `uri`, if `uri` starts with it. Prefixes are
    /// short and usually differ early: a plain loop beats a call to memcmp.
    #[inline]
    fn strip<'a>(&self, uri: &'a [u8], head: &[u8]) -> Option<&'a [u8]> {
        let (start, rest) = uri.split_at_checked(head.len())?;
        let same = if self.caseless {
            start
                .iter()
                .zip(head)
                .all(|(a, b)| a.eq_ignore_ascii_case(b))
        } else {
            start.iter().zip(head).all(|(a, b)| a == b)
        };
        same.then_some(rest)
    }
}

/// The literal bytes that every match of a regular expression starts with
/// at the start of the subject, or nothing when that is not sure.
///
/// Only a pattern that opens with `^` has one (without the multiline
/// option, `^` is the start of the subject), and only when it has a single
/// branch at top level. The prefix is the run of plain literals after `^`:
/// ASCII bytes that are no metacharacter, and escaped ASCII punctuation
/// (`\/`, `\.`). It ends at any other byte or escape (`\d`, `\Q`), at a
/// group, and before a literal that a quantifier makes optional or
/// repeatable. Option settings such as `(?i)` or `(?x)` and verbs such as
/// `(*UTF)` cannot come before `^`, so they do not change how the prefix
/// reads; where they could change how the rest of the pattern reads, there
/// is no prefix (see `single_branch`).
#[cfg(test)]
pub fn literal_prefix(source: &[u8]) -> Vec<u8> {
    literal_start(source).0
}

/// The literal prefix, and the literal starts of the alternatives of a
/// group right after it (see `group_alternatives`).
fn literal_start(source: &[u8]) -> (Vec<u8>, Vec<Vec<u8>>) {
    let Some(pattern) = source.strip_prefix(b"^") else {
        return Default::default();
    };

    if !single_branch(pattern) {
        return Default::default();
    }

    let (prefix, rest) = literal_run(pattern);
    (prefix, group_alternatives(rest).unwrap_or_default())
}

/// The run of plain literals that a pattern starts with, and what follows
/// it.
fn literal_run(pattern: &[u8]) -> (Vec<u8>, &[u8]) {
    let mut run = Vec::new();
    let mut rest = pattern;

    loop {
        let (literal, after) = match rest {
            [b'\\', c, after @ ..] if c.is_ascii_punctuation() || c.is_ascii_whitespace() => {
                (*c, after)
            }
            [c, after @ ..] if c.is_ascii() && !METACHARACTERS.contains(c) => (*c, after),
            _ => break,
        };

        // `{` is a quantifier or a literal: either way, the literal before
        // it is left out; so is one before `\E` or `\Q`, which a
        // quantifier after them would apply to (`a\E?` is `a?`)
        if quantified(after) {
            break;
        }

        run.push(literal);
        rest = after;
    }

    (run, rest)
}

/// Whether what follows an item may make it optional or repeated.
fn quantified(after: &[u8]) -> bool {
    matches!(
        after,
        [b'?' | b'*' | b'+' | b'{', ..] | [b'\\', b'E' | b'Q', ..]
    )
}

/// The literal starts of the alternatives of a group that opens `rest`,
/// when the group must match right there, once: a plain group, `(...)` or
/// `(?:...)`, with no quantifier after it, whose every alternative starts
/// with a literal. `^/(api|signup)/` goes on with `api` or `signup` after
/// `/`. Option settings in the group (`(?i)`) apply to the alternatives
/// after them, so a group with any `(?` but its own opening gives none.
fn group_alternatives(rest: &[u8]) -> Option<Vec<Vec<u8>>> {
    let body = match rest {
        [b'(', b'?', b':', body @ ..] => body,
        [b'(', c, ..] if *c != b'?' && *c != b'*' => rest.get(1..)?,
        _ => return None,
    };

    let mut alternatives = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut cur = body;

    let after = loop {
        let at = body.len() - cur.len();
        cur = match cur {
            [] | [b'(', b'?' | b'*', ..] => return None,
            [b'\\', b'Q', after @ ..] => after_quote(after),
            [b'\\', b'c', _, after @ ..] | [b'\\', _, after @ ..] => after,
            [b'[', after @ ..] => after_class(after)?,
            [b'(', after @ ..] => {
                depth += 1;
                after
            }
            [b')' | b'|', after @ ..] if depth == 0 => {
                alternatives.push(body.get(start..at)?);
                start = at + 1;
                if cur.first() == Some(&b')') {
                    break after;
                }
                after
            }
            [b')', after @ ..] => {
                depth -= 1;
                after
            }
            [_, after @ ..] => after,
        };
    };

    if quantified(after) {
        return None;
    }

    alternatives
        .into_iter()
        .map(|alt| Some(literal_run(alt).0).filter(|run| !run.is_empty()))
        .collect()
}

/// Whether a pattern surely has a single branch: no `|` outside groups and
/// character classes. A construct whose contents are not read as pattern
/// syntax, or that changes how the rest is read, makes it unsure: verbs and
/// the like (`(*`), comments (`(?#`), callouts (`(?C`), extended classes
/// (`(?[`), the extended option (`(?x)`, which makes `#` open a comment),
/// a `[` inside a character class (POSIX classes) and `\Q` or `\E` there.
fn single_branch(pattern: &[u8]) -> bool {
    let mut depth = 0usize;
    let mut rest = pattern;

    loop {
        rest = match rest {
            [] => return depth == 0,
            [b'\\', b'Q', after @ ..] => after_quote(after),
            // `\c` takes the next byte whatever it is: `\c(` is no group
            [b'\\', b'c', _, after @ ..] | [b'\\', _, after @ ..] => after,
            [b'[', after @ ..] => match after_class(after) {
                Some(after) => after,
                None => return false,
            },
            [b'(', b'?', after @ ..] if !plain_group(after) => return false,
            [b'(', b'*', ..] => return false,
            [b'(', after @ ..] => {
                depth += 1;
                after
            }
            [b')', after @ ..] => match depth.checked_sub(1) {
                Some(outer) => {
                    depth = outer;
                    after
                }
                None => return false,
            },
            [b'|', ..] if depth == 0 => return false,
            [_, after @ ..] => after,
        };
    }
}

/// What follows `\Q...\E`, given what follows `\Q`: every byte is a
/// literal up to the first `\E`, or to the end.
fn after_quote(quoted: &[u8]) -> &[u8] {
    match quoted.windows(2).position(|pair| pair == b"\\E") {
        Some(end) => quoted.get(end + 2..).unwrap_or_default(),
        None => &[],
    }
}

/// What follows a character class, given what follows its `[`; `None` when
/// it has no end or is not sure to end at the first unescaped `]`.
fn after_class(class: &[u8]) -> Option<&[u8]> {
    let mut rest = class.strip_prefix(b"^").unwrap_or(class);

    // a `]` first is a literal
    rest = rest.strip_prefix(b"]").unwrap_or(rest);

    loop {
        rest = match rest {
            [] | [b'[', ..] | [b'\\', b'Q' | b'E', ..] => return None,
            [b']', after @ ..] => return Some(after),
            [b'\\', b'c', _, after @ ..] | [b'\\', _, after @ ..] | [_, after @ ..] => after,
        };
    }
}

/// Whether a group opened with `(?` reads its contents as a pattern, as
/// the rest does, given what follows `(?`.
fn plain_group(after: &[u8]) -> bool {
    match after.first() {
        // option letters, or a name: `(?i)`, `(?-s:`, `(?P<name>`, `(?R)`
        Some(c) if c.is_ascii_alphabetic() || matches!(c, b'^' | b'-') => after
            .iter()
            .take_while(|c| c.is_ascii_alphabetic() || matches!(c, b'^' | b'-'))
            .all(|&c| c != b'x' && c != b'C'),
        Some(c) => c.is_ascii_digit() || b":=!<>|'(&+*".contains(c),
        None => false,
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
    fn regex_prefixes() {
        let cases: &[(&[u8], &[u8])] = &[
            // Mattermost's single sign-on exemptions
            (
                br"^/oauth/[A-Za-z0-9]+/(complete|login|mobile_login|signup)$",
                b"/oauth/",
            ),
            (
                br"^/(api/v3/oauth|signup|login)/[A-Za-z0-9]+/complete$",
                b"/",
            ),
            (
                br"^/oauth/(gitlab|google|office365|openid)/(complete|login)\z",
                b"/oauth/",
            ),
            // only at the start of the subject
            (br"\.png$", b""),
            (br"/static/", b""),
            (br"^", b""),
            (br"^^/a", b""),
            (br"^/api/v4/users$", b"/api/v4/users"),
            (br"^/a b#c", b"/a b#c"),
            (br"^/a]b}c", b"/a"),
            // escaped punctuation is a literal, other escapes end it
            (br"^\/x", b"/x"),
            (br"^\/api\/v4\.0\-beta", b"/api/v4.0-beta"),
            (br"^/a\ b\#c", b"/a b#c"),
            (br"^/a\d", b"/a"),
            (br"^/a\x2f", b"/a"),
            (br"^/a\Qb\E", b"/"),
            (br"^/a\z", b"/a"),
            (br"^/a\\b", b"/a\\b"),
            (b"^/a\\\xc3\xa9", b"/a"),
            (b"^/a\xc3\xa9", b"/a"),
            // metacharacters end it
            (br"^/a.b", b"/a"),
            (br"^/a[b]", b"/a"),
            (br"^/a(b)", b"/a"),
            (br"^/a$", b"/a"),
            (br"^/a^", b"/a"),
            // a literal that a quantifier makes optional or repeatable
            (br"^/ab?c", b"/a"),
            (br"^/ab*c", b"/a"),
            (br"^/ab+c", b"/a"),
            (br"^/ab{2}c", b"/a"),
            (br"^/ab{c", b"/a"),
            (br"^/ab??c", b"/a"),
            (br"^/a\/?c", b"/a"),
            (br"^a?", b""),
            (br"^/a\E?", b"/"),
            (br"^/ab\E*", b"/a"),
            (br"^/ab\Q\E?", b"/a"),
            (br"^/ab\Qc\E?", b"/a"),
            // an alternation at top level leaves no prefix
            (br"^/a|/b", b""),
            (br"^/a(b|c)|/d", b""),
            (br"^/a(b|c)", b"/a"),
            (br"^/a(b(c|d)|e)f", b"/a"),
            (br"^/a[|]", b"/a"),
            (br"^/a[]|]", b"/a"),
            (br"^/a[^]|]", b"/a"),
            (br"^/a[]]|/b", b""),
            (br"^/a[\]|]", b"/a"),
            (br"^/a[\]]|/b", b""),
            (br"^/a\|b", b"/a|b"),
            (br"^/a\\|/b", b""),
            (br"^/a\(|/b", b""),
            (br"^/a(?:b|c)", b"/a"),
            (br"^/a(?:b|c)|/d", b""),
            (br"^/a(?<n>b|c)", b"/a"),
            (br"^/a(?=b|c)", b"/a"),
            (br"^/a(?|(b)|(c))", b"/a"),
            // quoting: \Q...\E is literal, to the end if unclosed
            (br"^/a\Q|\E", b"/"),
            (br"^/a\Q(\E|/b", b""),
            (br"^/a\Q(|/b", b"/"),
            (br"^/a\Q\\E|/b", b""),
            // \c takes the next byte: \c( opens no group
            (br"^/a\c(|/b", b""),
            (br"^/a\c\|/b", b""),
            // unsure: constructs whose contents are not pattern syntax
            (br"^/a(?#(|)|/b", b""),
            (br"^/a(?#x)", b""),
            (br#"^/a(?C"(")|/b"#, b""),
            (br"^/a(?C1)", b""),
            (br"^/a(*MARK:x)", b""),
            (br"^/a(*ACCEPT)", b""),
            (br"^/a(?[ [a] ])", b""),
            (b"^/a(?x)#(\n|/b", b""),
            (br"^/a(?x:b)", b""),
            (br"^/a(?xx)", b""),
            (br"^/a(?-x)", b""),
            (br"^/a(?^x)", b""),
            (br"^/a(?i)b", b"/a"),
            (br"^/a(?i:b|c)", b"/a"),
            (br"^/a(?^)b", b"/a"),
            (br"^/a(?P<name>b)(?P=name)", b"/a"),
            (br"^/a[[:alpha:](]|/b", b""),
            (br"^/a[[:alpha:]]", b""),
            (br"^/a[\Q\E](]|/b", b""),
            (br"^/a[\Q]\E(]|/b", b""),
            (br"^/a[\E](]|/b", b""),
            // verbs and options must open the pattern, where `^` is not
            (br"(*UTF)^/a", b""),
            (br"(*CR)^/a", b""),
            (br"(?i)^/a", b""),
            (br"(?x)^/a b", b""),
            // patterns that do not compile have none
            (br"^/a(b", b""),
            (br"^/a)b", b""),
            (br"^/a[b", b""),
            (br"^/a\", b"/a"),
        ];

        for &(source, prefix) in cases {
            assert_eq!(
                literal_prefix(source).escape_ascii().to_string(),
                prefix.escape_ascii().to_string(),
                "{}",
                source.escape_ascii()
            );
        }
    }

    #[test]
    fn regex_prefix_admits() {
        let exact = RegexPrefix::of(b"^/oauth/[a-z]+", false);
        assert_eq!(exact.as_bytes(), b"/oauth/");
        assert!(exact.admits(b"/oauth/"));
        assert!(exact.admits(b"/oauth/gitlab/complete"));
        assert!(!exact.admits(b"/OAuth/gitlab/complete"));
        assert!(!exact.admits(b"/oauth"));
        assert!(!exact.admits(b"/api/v4/users/me"));
        assert!(!exact.admits(b""));

        let caseless = RegexPrefix::of(b"^/OAuth/[a-z]+", true);
        assert!(caseless.admits(b"/oauth/gitlab"));
        assert!(caseless.admits(b"/OAUTH/gitlab"));
        assert!(!caseless.admits(b"/oauth-gitlab"));
        assert!(!caseless.admits(b"/oauth"));

        let none = RegexPrefix::of(br"\.png$", false);
        assert!(none.as_bytes().is_empty());
        assert!(none.admits(b""));
        assert!(none.admits(b"/img/a.png"));
    }

    #[test]
    fn group_alternatives_after_the_prefix() {
        let alts = |source: &[u8]| -> Vec<String> {
            RegexPrefix::of(source, false)
                .next()
                .iter()
                .map(|alt| alt.escape_ascii().to_string())
                .collect()
        };

        // Mattermost's second single sign-on expression
        let sso: &[u8] = b"^/(api/v3/oauth|signup|login)/[A-Za-z0-9]+/complete$";
        assert_eq!(alts(sso), ["api/v3/oauth", "signup", "login"]);
        assert_eq!(alts(b"^/(?:a|bc)/"), ["a", "bc"]);
        assert_eq!(alts(b"^(ab?|c)"), ["a", "c"]);
        assert_eq!(alts(br"^/(a\)|b)x"), ["a)", "b"]);
        assert_eq!(alts(b"^/(a[|)]|b)"), ["a", "b"]);
        assert_eq!(alts(b"^/(a(b|c)|d)"), ["a", "d"]);
        assert_eq!(alts(b"^/(single)x"), ["single"]);

        // nothing known: the group optional or repeated, an alternative
        // without a literal start, options that carry into later
        // alternatives, groups that do not consume or are not plain
        for source in [
            &b"^/(a|b)?"[..],
            b"^/(a|b)*",
            b"^/(a|b)+",
            b"^/(a|b){1}",
            br"^/(a|b)\E?",
            b"^/(a||b)",
            b"^/(a|.b)",
            b"^/(a|(b))",
            b"^/(a(?i)b|c)",
            b"^/(?i:a|b)",
            b"^/(?=a|b)",
            b"^/(?<n>a|b)",
            b"^/[ab](a|b)",
            b"/(a|b)",
            b"^/(a|b",
        ] {
            assert_eq!(
                alts(source),
                Vec::<String>::new(),
                "{}",
                source.escape_ascii()
            );
        }

        let sso = RegexPrefix::of(sso, false);
        assert!(sso.admits(b"/login/gitlab/complete"));
        assert!(sso.admits(b"/signup/x"));
        assert!(sso.admits(b"/api/v3/oauth/x/complete"));
        assert!(!sso.admits(b"/api/v4/users/me"));
        assert!(!sso.admits(b"/page.html"));
        assert!(!sso.admits(b"/log"));
        assert!(!sso.admits(b"/LOGIN/x/complete"));

        let caseless = RegexPrefix::of(b"^/(Login|signup)/", true);
        assert!(caseless.admits(b"/LOGIN/x"));
        assert!(caseless.admits(b"/Signup/"));
        assert!(!caseless.admits(b"/static/x"));
    }

    #[test]
    fn canonical_targets() {
        let cases: &[(&[u8], &[u8], bool)] = &[
            (b"/api/v4/users", b"/api/v4/users", true),
            (b"/api/v4/users?a=1", b"/api/v4/users", true),
            (b"/api/v4/users?", b"/api/v4/users", true),
            (b"/a?b//c?d", b"/a", true),
            (b"/", b"/", true),
            (b"/api/v4/user", b"/api/v4/users", false),
            (b"/api/v4/users/", b"/api/v4/users", false),
            (b"/api/v4/%75sers", b"/api/v4/users", false),
            (b"/x/../api", b"/api", false),
            (b"//api", b"//api", false),
            (b"/api//v4", b"/api//v4", false),
            (b"/api/v4//", b"/api/v4//", false),
            (b"/a?b", b"/a?b", false),
            (b"", b"", true),
        ];

        for &(sent, uri, canonical) in cases {
            assert_eq!(
                is_canonical_target(sent, uri),
                canonical,
                "{} {}",
                sent.escape_ascii(),
                uri.escape_ascii()
            );
        }
    }

    #[test]
    fn empty_matches_nothing() {
        let e = PathExemptions::default();
        assert!(e.is_empty());
        assert!(!e.matches(b"/"));
    }
}
