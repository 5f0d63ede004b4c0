//! Property tests of the module's pure logic against reference models.
//!
//! Each model states the documented rule in the plainest way, independently
//! of how the module implements it: the exemption matcher, the parser of
//! `mattermost_preauth_exempt` arguments, the prefix of a regular
//! expression (against the `regex` crate, in the syntax that it and PCRE
//! read alike), the canonical request target, the check of configured
//! secrets, the constant-time match and the classification of presented
//! headers.
//! Inputs come from small alphabets so that matches, near misses and
//! collisions with the special words happen often.

use crate::{exempt, secret, verdict};

use proptest::collection::vec;
use proptest::prelude::*;

use exempt::RegexPrefix;
use exempt::{is_canonical_target, parse_patterns, PathExemptions, Pattern, PatternError};
use secret::{
    check_secret, Expiry, SecretError, SecretSet, SecretSpec, SecretValue, Strength, MAX_LABEL_LEN,
    MAX_SECRET_LEN, RECOMMENDED_SECRET_LEN,
};
use sha2::{Digest as _, Sha256};
use verdict::{verify, Presented, Refusal};

// ---------------------------------------------------------------------------
// inputs

/// A path-like byte string over few bytes, so that patterns and URIs share
/// prefixes and equal each other often.
fn short_path() -> impl Strategy<Value = Vec<u8>> {
    vec(prop::sample::select(b"/ab.%?".to_vec()), 0..8)
}

/// Arbitrary bytes, biased towards the bytes the checks look at.
fn any_bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    let interesting = prop::sample::select(b"\0\t\n\r \x1f\x7f\x80\xff$_{1aZ/?=~^*-".to_vec());
    vec(prop_oneof![interesting, any::<u8>()], 0..max)
}

/// One argument of the exemption directive: a modifier, a path, or bytes.
fn exempt_arg() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::sample::select(vec![
            b"=".to_vec(),
            b"^~".to_vec(),
            b"~".to_vec(),
            b"~*".to_vec(),
            b"~~".to_vec(),
            b"= /a".to_vec(),
            Vec::new(),
        ]),
        short_path(),
        any_bytes(6),
    ]
}

/// A piece of a regular expression in the syntax where PCRE without UTF
/// and the `regex` crate without Unicode agree, with the metacharacters
/// that end or cancel a prefix.
fn regex_token() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "/", "/", "a", "b", "A", "-", ".", r"\/", r"\.", r"\-", r"\d", "?", "*", "+", "{2}",
        "{0,2}", "??", "|", "|", "(", ")", "(?:", "[ab]", "[^a]", "[]a]", "[^]a]", "$", "^",
    ])
}

/// A URI-like byte string over the bytes that `regex_token` spells.
fn uri_like() -> impl Strategy<Value = Vec<u8>> {
    vec(prop::sample::select(b"//aAbB-.1]".to_vec()), 0..8)
}

/// URIs that a pattern may well match: each branch with its
/// metacharacters and backslashes left out, also without the bytes that
/// `?`, `*` or `{` make optional, and those in upper case.
fn spellings(source: &str) -> Vec<Vec<u8>> {
    let mut spelled = Vec::new();
    for branch in source.split('|').chain([source]) {
        let bytes = branch.as_bytes();
        for skip_optional in [false, true] {
            let plain: Vec<u8> = bytes
                .iter()
                .enumerate()
                .filter(|&(i, c)| {
                    let meta = b"\\^$()?*+{}[]|:".contains(c);
                    let optional = matches!(bytes.get(i + 1), Some(b'?' | b'*' | b'{'));
                    let left_out = skip_optional && optional;
                    !(meta || left_out)
                })
                .map(|(_, &c)| c)
                .collect();
            spelled.push(plain.to_ascii_uppercase());
            spelled.push(plain);
        }
    }
    spelled
}

/// A secret-like value: printable bytes of a length around the limits,
/// never in the digest form `sha256:...`.
fn secret_like() -> impl Strategy<Value = Vec<u8>> {
    let plain = prop_oneof![
        vec(prop::sample::select(b"ab01+/=".to_vec()), 1..40),
        vec(32u8..127, 1..24),
        vec(any::<u8>(), 0..40),
        vec(
            prop::sample::select(b"xy".to_vec()),
            MAX_SECRET_LEN - 2..MAX_SECRET_LEN + 3
        ),
    ];
    plain.prop_filter("digest form", |s| !is_digest_form(s))
}

fn is_digest_form(s: &[u8]) -> bool {
    s.len() >= 7 && s[..7].eq_ignore_ascii_case(b"sha256:")
}

/// The configuration's digest form of a secret, in lower or upper case.
fn digest_form(secret: &[u8], upper: bool) -> Vec<u8> {
    let hex: String = Sha256::digest(secret)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let hex = if upper { hex.to_uppercase() } else { hex };
    [b"sha256:".as_slice(), hex.as_bytes()].concat()
}

/// A presented value derived from `base`: itself, or one small change away.
fn near(base: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let len = base.len();
    prop_oneof![
        Just(base.clone()),
        (0..len.max(1), 1u8..=255).prop_map({
            let base = base.clone();
            move |(i, x)| {
                let mut v = base.clone();
                if let Some(b) = v.get_mut(i) {
                    *b ^= x;
                }
                v
            }
        }),
        (0..=len).prop_map({
            let base = base.clone();
            move |n| base.get(..n).unwrap_or(&base).to_vec()
        }),
        any::<u8>().prop_map({
            let base = base.clone();
            move |b| {
                let mut v = base.clone();
                v.push(b);
                v
            }
        }),
        Just({
            let mut v = base;
            v.push(0);
            v
        }),
    ]
}

// ---------------------------------------------------------------------------
// reference models

/// The documented grammar: `=`/`^~` take a path, `~`/`~*` a non-empty
/// regular expression, anything else is itself a path; a path starts with
/// `/` and has no `?`.
fn model_parse(args: &[Vec<u8>]) -> Option<Vec<Pattern>> {
    fn path(arg: Option<&Vec<u8>>) -> Option<Vec<u8>> {
        let arg = arg?;
        if arg.starts_with(b"/") && !arg.contains(&b'?') {
            Some(arg.clone())
        } else {
            None
        }
    }

    let mut patterns = Vec::new();
    let mut i = 0;

    while i < args.len() {
        let arg = args[i].as_slice();
        let operand = args.get(i + 1);

        if arg == b"=" {
            patterns.push(Pattern::Exact(path(operand)?));
            i += 2;
        } else if arg == b"^~" {
            patterns.push(Pattern::Prefix(path(operand)?));
            i += 2;
        } else if arg == b"~" || arg == b"~*" {
            let source = operand?;
            if source.is_empty() {
                return None;
            }
            patterns.push(Pattern::Regex {
                source: source.clone(),
                caseless: arg == b"~*",
            });
            i += 2;
        } else {
            patterns.push(Pattern::Exact(path(Some(&args[i]))?));
            i += 1;
        }
    }

    Some(patterns)
}

/// A URI is exempt when it equals an exact path, or when its first bytes
/// are a prefix path.
fn model_exempt(exact: &[Vec<u8>], prefix: &[Vec<u8>], uri: &[u8]) -> bool {
    exact.iter().any(|p| p == uri)
        || prefix
            .iter()
            .any(|p| p.len() <= uri.len() && uri[..p.len()] == p[..])
}

/// Every reason the documentation gives for refusing a configured secret
/// that applies to `s` (the duplicate check needs a set).
fn model_secret_errors(s: &[u8]) -> Vec<SecretError> {
    let mut errors = Vec::new();

    if s.is_empty() {
        errors.push(SecretError::Empty);
        return errors;
    }
    if s.len() > MAX_SECRET_LEN {
        errors.push(SecretError::TooLong);
    }
    // a tab is a blank, any other C0 byte or DEL a control character
    if s.iter().any(|&b| (b < 0x20 || b == 0x7f) && b != b'\t') {
        errors.push(SecretError::ControlCharacter);
    }
    let blank = |b: u8| b == b' ' || b == b'\t';
    if blank(s[0]) || blank(s[s.len() - 1]) {
        errors.push(SecretError::SurroundingBlanks);
    }
    let lower = s.to_ascii_lowercase();
    if lower == b"your-secure-pre-auth-secret-here"
        || lower == b"your-secure-auth-secret-here"
        || lower == b"replace-with-a-secret-from-scripts/secret"
    {
        errors.push(SecretError::Placeholder);
    }
    if s.len() >= 2
        && s[0] == b'$'
        && (s[1].is_ascii_alphanumeric() || s[1] == b'_' || s[1] == b'{')
    {
        errors.push(SecretError::Variable);
    }

    errors
}

// ---------------------------------------------------------------------------
// exemptions

proptest! {
    #[test]
    fn parser_agrees_with_grammar(args in vec(exempt_arg(), 0..6)) {
        let parsed = parse_patterns(args.iter().map(Vec::as_slice));
        prop_assert_eq!(parsed.clone().ok(), model_parse(&args), "{:?}", parsed);
    }

    #[test]
    fn parser_never_panics_on_bytes(args in vec(any_bytes(12), 0..8)) {
        let _ = parse_patterns(args.iter().map(Vec::as_slice));
    }

    #[test]
    fn parser_errors_name_a_real_fault(args in vec(exempt_arg(), 1..6)) {
        if let Err(e) = parse_patterns(args.iter().map(Vec::as_slice)) {
            match &e {
                PatternError::NotAPath(arg) => {
                    prop_assert!(!arg.starts_with(b"/"));
                    prop_assert!(args.contains(arg));
                }
                PatternError::QueryString(arg) => {
                    prop_assert!(arg.starts_with(b"/") && arg.contains(&b'?'));
                    prop_assert!(args.contains(arg));
                }
                PatternError::MissingOperand(modifier) => {
                    prop_assert_eq!(args.last().map(Vec::as_slice), Some(modifier.as_bytes()));
                }
                PatternError::EmptyRegex => prop_assert!(args.contains(&Vec::new())),
            }
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn matcher_agrees_with_model(
        exact in vec(short_path(), 0..4),
        prefix in vec(short_path(), 0..4),
        uris in vec(short_path(), 1..8),
    ) {
        let mut exemptions = PathExemptions::default();
        for p in &exact {
            exemptions.add_exact(p.clone());
        }
        for p in &prefix {
            exemptions.add_prefix(p.clone());
        }
        prop_assert_eq!(exemptions.is_empty(), exact.is_empty() && prefix.is_empty());

        // the patterns themselves and their extensions, as well as others
        let mut candidates = uris;
        for p in exact.iter().chain(&prefix) {
            candidates.push(p.clone());
            candidates.push([p.as_slice(), b"/x"].concat());
            candidates.push(p.get(..p.len().saturating_sub(1)).unwrap_or_default().to_vec());
        }

        for uri in &candidates {
            prop_assert_eq!(
                exemptions.matches(uri),
                model_exempt(&exact, &prefix, uri),
                "uri {:?}", uri.escape_ascii().to_string()
            );
        }
    }

    #[test]
    fn parsed_exemptions_agree_with_model(
        args in vec(exempt_arg(), 0..6),
        uri in short_path(),
    ) {
        // what the configuration does with a directive's patterns: exact and
        // prefix paths are matched here, regular expressions by nginx
        if let Ok(patterns) = parse_patterns(args.iter().map(Vec::as_slice)) {
            let mut exemptions = PathExemptions::default();
            let (mut exact, mut prefix) = (Vec::new(), Vec::new());
            for pattern in patterns {
                match pattern {
                    Pattern::Exact(p) => {
                        exact.push(p.clone());
                        exemptions.add_exact(p);
                    }
                    Pattern::Prefix(p) => {
                        prefix.push(p.clone());
                        exemptions.add_prefix(p);
                    }
                    Pattern::Regex { source, .. } => prop_assert!(!source.is_empty()),
                }
            }
            for p in exact.iter().chain(&prefix) {
                prop_assert!(p.starts_with(b"/") && !p.contains(&b'?'));
            }
            prop_assert_eq!(exemptions.matches(&uri), model_exempt(&exact, &prefix, &uri));
        }
    }
}

proptest! {
    #[test]
    fn a_uri_without_the_prefix_never_matches(
        tokens in vec(regex_token(), 0..8),
        anchored in prop::bool::weighted(0.8),
        caseless in any::<bool>(),
        uris in vec(uri_like(), 0..6),
    ) {
        let source = format!("{}{}", if anchored { "^" } else { "" }, tokens.concat());
        let flags = if caseless { "(?i-u)" } else { "(?-u)" };

        // a quantifier then `+` is possessive in PCRE, a repetition of a
        // repetition in the model; a pattern that the model refuses (`a**`,
        // `{` alone) PCRE refuses too or reads otherwise. Neither tells
        // anything. The model accepts some that PCRE refuses (`^*`); there
        // the prefix is empty, as for every pattern without a literal
        // after `^`.
        if ["?+", "*+", "}+", "++"].iter().any(|p| source.contains(p)) {
            return Ok(());
        }
        let Ok(model) = regex::bytes::Regex::new(&format!("{flags}{source}")) else {
            return Ok(());
        };

        let prefix = RegexPrefix::of(source.as_bytes(), caseless);
        let mut candidates = uris;
        candidates.extend(spellings(&source));

        for uri in &candidates {
            if model.is_match(uri) {
                prop_assert!(
                    prefix.admits(uri),
                    "{:?} matches {:?} without the prefix {:?}",
                    source,
                    uri.escape_ascii().to_string(),
                    prefix.as_bytes().escape_ascii().to_string()
                );
            }
        }
    }

    #[test]
    fn a_uri_without_an_alternative_never_matches(
        prefix in vec(regex_token(), 0..3),
        alternatives in vec(vec(prop_oneof![regex_token(), Just("(?i)")], 0..3), 1..4),
        group in prop::sample::select(vec!["(", "(?:"]),
        after in prop::sample::select(vec!["", "", "", "?", "*", "+", "{2}", "{0,1}", "/"]),
        suffix in vec(regex_token(), 0..3),
        caseless in any::<bool>(),
        uris in vec(uri_like(), 0..6),
    ) {
        let prefix = prefix.concat();
        let suffix = suffix.concat();
        let branches: Vec<String> = alternatives.iter().map(|a| a.concat()).collect();
        let source = format!("^{prefix}{group}{}){after}{suffix}", branches.join("|"));
        let flags = if caseless { "(?i-u)" } else { "(?-u)" };

        // as above: possessive quantifiers read otherwise in the model
        if ["?+", "*+", "}+", "++"].iter().any(|p| source.contains(p)) {
            return Ok(());
        }
        let Ok(model) = regex::bytes::Regex::new(&format!("{flags}{source}")) else {
            return Ok(());
        };

        let start = RegexPrefix::of(source.as_bytes(), caseless);
        let mut candidates = uris;
        for branch in &branches {
            // the URIs that the pattern with this alternative chosen spells
            candidates.extend(spellings(&format!("^{prefix}{branch}{suffix}")));
            candidates.extend(spellings(&format!("^{prefix}{branch}{after}{suffix}")));
        }

        for uri in &candidates {
            if model.is_match(uri) {
                prop_assert!(
                    start.admits(uri),
                    "{:?} matches {:?}, not admitted by {:?} then one of {:?}",
                    source,
                    uri.escape_ascii().to_string(),
                    start.as_bytes().escape_ascii().to_string(),
                    start.next()
                );
            }
        }
    }

    #[test]
    fn canonical_target_agrees_with_model(
        path in short_path(),
        query in prop::option::of(short_path()),
        uri in prop_oneof![short_path(), Just(Vec::new())],
        same in any::<bool>(),
    ) {
        // the client's path, up to the first `?`, is the URI itself, and
        // has no repeated slash
        let mut sent = path;
        if let Some(q) = query {
            sent.push(b'?');
            sent.extend(q);
        }
        let uri = if same {
            sent.split(|&c| c == b'?').next().unwrap_or_default().to_vec()
        } else {
            uri
        };
        let model = {
            let sent_path = sent.split(|&c| c == b'?').next().unwrap_or_default();
            sent_path == uri.as_slice() && !sent_path.windows(2).any(|pair| pair == b"//")
        };
        prop_assert_eq!(is_canonical_target(&sent, &uri), model);
    }
}

// ---------------------------------------------------------------------------
// secrets

proptest! {
    #[test]
    fn secret_check_agrees_with_rules(s in prop_oneof![secret_like(), any_bytes(40)]) {
        let errors = model_secret_errors(&s);
        match check_secret(&s) {
            Ok(strength) => {
                prop_assert!(errors.is_empty(), "accepted despite {:?}", errors);
                let short = s.len() < RECOMMENDED_SECRET_LEN;
                prop_assert_eq!(strength, if short { Strength::Short } else { Strength::Good });
            }
            Err(e) => prop_assert!(errors.contains(&e), "{:?} not in {:?}", e, errors),
        }
    }

    #[test]
    fn set_refuses_what_check_refuses_and_duplicates(secrets in vec(secret_like(), 0..6)) {
        let mut set = SecretSet::new();
        let mut model: Vec<Vec<u8>> = Vec::new();

        for s in &secrets {
            let result = set.add(s);
            if model.contains(s) {
                prop_assert!(result.is_err());
                if check_secret(s).is_ok() {
                    prop_assert_eq!(result, Err(SecretError::Duplicate));
                }
            } else if let Err(e) = check_secret(s) {
                prop_assert_eq!(result, Err(e));
            } else {
                prop_assert_eq!(result.map(|(i, _)| i), Ok(model.len()));
                model.push(s.clone());
            }
            prop_assert_eq!(set.len(), model.len());
            prop_assert_eq!(set.is_empty(), model.is_empty());
        }
    }

    #[test]
    fn match_agrees_with_equality(
        (secrets, presented) in vec(secret_like(), 0..5).prop_flat_map(|secrets| {
            let base = secrets.first().cloned().unwrap_or_default();
            let presented = prop_oneof![near(base), secret_like(), any_bytes(48)];
            (Just(secrets), presented)
        })
    ) {
        let mut set = SecretSet::new();
        let mut model: Vec<Vec<u8>> = Vec::new();
        for s in secrets {
            if set.add(&s).is_ok() {
                model.push(s);
            }
        }

        let expected = model.iter().position(|s| *s == presented);
        prop_assert_eq!(set.find(&presented), expected);

        // every secret in the set is found at its own index
        for (i, s) in model.iter().enumerate() {
            prop_assert_eq!(set.find(s), Some(i));
        }
    }

    #[test]
    fn oversized_values_match_nothing(extra in 1usize..64, byte in any::<u8>()) {
        let mut set = SecretSet::new();
        let long = vec![b'x'; MAX_SECRET_LEN];
        prop_assert!(set.add(&long).is_ok());

        let mut presented = long.clone();
        presented.extend(std::iter::repeat_n(byte, extra));
        prop_assert_eq!(set.find(&presented), None);
    }
}

// ---------------------------------------------------------------------------
// what a request presented

proptest! {
    #[test]
    fn presented_agrees_with_model(values in vec(any_bytes(8), 0..4)) {
        let presented = Presented::from_values(values.iter().map(Vec::as_slice));
        let expected = match values.as_slice() {
            [] => Presented::Missing,
            [v] if v.is_empty() => Presented::Missing,
            [v] => Presented::One(v),
            _ => Presented::Duplicate,
        };
        prop_assert_eq!(presented, expected);
    }

    #[test]
    fn verdict_agrees_with_model(
        secrets in vec(secret_like(), 1..4),
        values in vec(prop_oneof![secret_like(), any_bytes(8)], 0..3),
        reuse in any::<bool>(),
        now in any::<i64>(),
    ) {
        let mut set = SecretSet::new();
        let mut model: Vec<Vec<u8>> = Vec::new();
        for s in &secrets {
            if set.add(s).is_ok() {
                model.push(s.clone());
            }
        }

        // often present a configured secret itself
        let mut values = values;
        if let (true, Some(first), Some(s)) = (reuse, values.first_mut(), model.first()) {
            first.clone_from(s);
        }

        let presented = Presented::from_values(values.iter().map(Vec::as_slice));
        let expected = match values.as_slice() {
            [] => Err(Refusal::Missing),
            [v] if v.is_empty() => Err(Refusal::Missing),
            [v] => model.iter().position(|s| s == v).ok_or(Refusal::Invalid),
            _ => Err(Refusal::Duplicate),
        };
        prop_assert_eq!(verify(presented, &set, now), expected);
    }
}

// ---------------------------------------------------------------------------
// digests, options and expiry dates

/// Days in a month by the Gregorian rules.
fn model_days_in_month(year: u32, month: u32) -> u32 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `YYYY-MM-DD`, a real date from 1970 on, as numbers.
fn model_date(text: &[u8]) -> Option<(u32, u32, u32)> {
    let shape = text.len() == 10
        && text.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape {
        return None;
    }
    let text = core::str::from_utf8(text).ok()?;
    let (y, m, d) = (
        text[0..4].parse().ok()?,
        text[5..7].parse().ok()?,
        text[8..10].parse().ok()?,
    );
    let valid = y >= 1970 && (1..=12).contains(&m) && d >= 1 && d <= model_days_in_month(y, m);
    valid.then_some((y, m, d))
}

/// Seconds from 1970-01-01 to the start of the day, counted in whole years
/// and months.
fn model_timestamp((y, m, d): (u32, u32, u32)) -> i64 {
    let mut days = 0i64;
    for year in 1970..y {
        days += if model_days_in_month(year, 2) == 29 {
            366
        } else {
            365
        };
    }
    for month in 1..m {
        days += i64::from(model_days_in_month(y, month));
    }
    (days + i64::from(d) - 1) * 86_400
}

fn date_text() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        (1960u32..2450, 0u32..14, 0u32..33)
            .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}").into_bytes()),
        vec(prop::sample::select(b"0123456789-x".to_vec()), 8..12),
    ]
}

/// The documented grammar of `SECRET [label=NAME] [expires=YYYY-MM-DD]`:
/// whether it is accepted, and what it gives (digest or not, label, date).
type ModelSpec = (bool, Option<String>, Option<Vec<u8>>);

fn model_spec(args: &[Vec<u8>]) -> Option<ModelSpec> {
    let value = args.first().cloned().unwrap_or_default();
    let digest = is_digest_form(&value);
    if digest {
        let hex = &value[7..];
        if hex.len() != 64 || !hex.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
    } else if !model_secret_errors(&value).is_empty() {
        return None;
    }

    let (mut label, mut expires) = (None, None);
    for arg in args.iter().skip(1) {
        if let Some(name) = arg.strip_prefix(b"label=") {
            let valid = !name.is_empty()
                && name.len() <= MAX_LABEL_LEN
                && name
                    .iter()
                    .all(|c| c.is_ascii_alphanumeric() || b"._-".contains(c));
            if label.is_some() || !valid {
                return None;
            }
            label = Some(String::from_utf8(name.to_vec()).ok()?);
        } else if let Some(date) = arg.strip_prefix(b"expires=") {
            if expires.is_some() || model_date(date).is_none() {
                return None;
            }
            expires = Some(date.to_vec());
        } else {
            return None;
        }
    }

    Some((digest, label, expires))
}

fn spec_arg() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        vec(prop::sample::select(b"ab._-Z9 /=".to_vec()), 0..6).prop_map(|l| [
            b"label=".as_slice(),
            &l
        ]
        .concat()),
        vec(any::<u8>(), 0..70).prop_map(|l| [b"label=".as_slice(), &l].concat()),
        date_text().prop_map(|d| [b"expires=".as_slice(), &d].concat()),
        any_bytes(10),
    ]
}

fn spec_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        secret_like(),
        (secret_like(), any::<bool>()).prop_map(|(s, upper)| digest_form(&s, upper)),
        vec(
            prop::sample::select(b"0123456789abcdefABCDEFg".to_vec()),
            60..68
        )
        .prop_map(|h| [b"SHA256:".as_slice(), &h].concat()),
        any_bytes(12),
    ]
}

proptest! {
    #[test]
    fn dates_agree_with_calendar(text in date_text()) {
        let parsed = Expiry::parse(&text);
        let model = model_date(&text);
        prop_assert_eq!(parsed.is_some(), model.is_some(), "{}", String::from_utf8_lossy(&text));
        if let (Some(expiry), Some(date)) = (parsed, model) {
            prop_assert_eq!(expiry.to_string().into_bytes(), text);
            prop_assert_eq!(expiry.timestamp(), model_timestamp(date));
            prop_assert!(!expiry.has_passed(model_timestamp(date) - 1));
            prop_assert!(expiry.has_passed(model_timestamp(date)));
        }
    }

    #[test]
    fn dates_never_panic(text in any_bytes(12)) {
        prop_assert_eq!(Expiry::parse(&text).is_some(), model_date(&text).is_some());
    }

    #[test]
    fn secret_options_agree_with_grammar(
        value in spec_value(),
        options in vec(spec_arg(), 0..4),
    ) {
        let args: Vec<Vec<u8>> = std::iter::once(value).chain(options).collect();
        let parsed = SecretSpec::parse(args.iter().map(Vec::as_slice));
        let model = model_spec(&args);

        prop_assert_eq!(parsed.is_ok(), model.is_some(), "{:?}", parsed);
        if let (Ok((spec, _)), Some((digest, label, expires))) = (parsed, model) {
            prop_assert_eq!(matches!(spec.value, SecretValue::Sha256(_)), digest);
            prop_assert_eq!(spec.label.map(str::to_owned), label);
            prop_assert_eq!(spec.expires.map(|e| e.to_string().into_bytes()), expires);
        }
    }

    #[test]
    fn digests_match_like_the_secret(
        secrets in vec((secret_like(), 0u8..3), 1..5),
        pick in any::<prop::sample::Index>(),
        other in prop_oneof![secret_like(), any_bytes(20)],
    ) {
        // each secret as written, as its digest, or as its digest in upper
        // case: the set must find them as if each were written plainly
        let mut set = SecretSet::new();
        let mut model: Vec<Vec<u8>> = Vec::new();
        for (secret, form) in &secrets {
            let written = match form {
                0 => secret.clone(),
                1 => digest_form(secret, false),
                _ => digest_form(secret, true),
            };
            let acceptable = *form != 0 || check_secret(secret).is_ok();
            let result = set.add(&written);
            if acceptable && !model.contains(secret) {
                prop_assert_eq!(result.map(|(i, _)| i), Ok(model.len()));
                model.push(secret.clone());
            } else {
                prop_assert!(result.is_err());
            }
        }

        let expected = |p: &[u8]| {
            model.iter().position(|s| s == p).filter(|_| p.len() <= MAX_SECRET_LEN)
        };
        let chosen = secrets[pick.index(secrets.len())].0.clone();
        for presented in [chosen.as_slice(), other.as_slice()] {
            prop_assert_eq!(set.find(presented), expected(presented));
        }
    }

    #[test]
    fn expired_secrets_are_refused_from_their_day(
        date in (1970u32..2200, 1u32..13, 1u32..29),
        offset in -200_000i64..200_000,
    ) {
        let text = format!("expires={:04}-{:02}-{:02}", date.0, date.1, date.2);
        let secret = b"expiring-secret-value-0123456789";
        let parsed = SecretSpec::parse([secret.as_slice(), text.as_bytes()]);
        prop_assert!(parsed.is_ok());
        let mut set = SecretSet::new();
        if let Ok((spec, _)) = parsed {
            prop_assert_eq!(set.insert(&spec), Ok(0));
        }

        let now = model_timestamp(date) + offset;
        let expected = if offset >= 0 { Err(Refusal::Expired(0)) } else { Ok(0) };
        prop_assert_eq!(verify(Presented::One(secret), &set, now), expected);
        prop_assert_eq!(verify(Presented::One(b"other"), &set, now), Err(Refusal::Invalid));
    }
}
