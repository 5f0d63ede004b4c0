//! The decision for one request: which header values it presented, and
//! whether they carry an accepted pre-authentication secret.

use crate::secret::SecretSet;

/// The header name in lower case, as nginx stores it for lookups.
pub const HEADER_LOWCASE: &[u8] = b"x-mattermost-preauth-secret";

/// nginx's hash of the lower-case header name (`ngx_hash` folded over its
/// bytes), used to skip every other header with one comparison.
pub const HEADER_HASH: usize = header_hash(HEADER_LOWCASE);

const fn header_hash(name: &[u8]) -> usize {
    let mut hash = 0usize;
    let mut rest = name;
    while let [c, tail @ ..] = rest {
        hash = hash.wrapping_mul(31).wrapping_add(*c as usize);
        rest = tail;
    }
    hash
}

/// What a request presented in the secret header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presented<'a> {
    /// No header, or one with an empty value.
    Missing,
    One(&'a [u8]),
    /// The header more than once, whatever the values.
    Duplicate,
}

impl<'a> Presented<'a> {
    /// Classifies the values of every header that carries the secret's name.
    pub fn from_values<I>(values: I) -> Self
    where
        I: IntoIterator<Item = &'a [u8]>,
    {
        let mut values = values.into_iter();

        match (values.next(), values.next()) {
            (None, _) => Self::Missing,
            (Some(_), Some(_)) => Self::Duplicate,
            (Some(b""), None) => Self::Missing,
            (Some(v), None) => Self::One(v),
        }
    }
}

/// Why a request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Missing,
    Invalid,
    Duplicate,
}

impl Refusal {
    /// The error log message; nginx appends the client and request context.
    pub fn message(self) -> &'static str {
        match self {
            Self::Missing => "missing pre-authentication secret",
            Self::Invalid => "invalid pre-authentication secret",
            Self::Duplicate => "duplicate pre-authentication secret header",
        }
    }
}

/// Checks what a request presented: the index of the matching secret, or
/// why the request is to be refused unless an exemption applies.
pub fn verify(presented: Presented<'_>, secrets: &SecretSet) -> Result<usize, Refusal> {
    match presented {
        Presented::Missing => Err(Refusal::Missing),
        Presented::Duplicate => Err(Refusal::Duplicate),
        Presented::One(value) => secrets.find(value).ok_or(Refusal::Invalid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdefghijklmnopqrstuv";

    fn secrets() -> SecretSet {
        let mut s = SecretSet::new();
        s.add(SECRET).expect("valid secret");
        s
    }

    fn classify(values: &[&'static [u8]]) -> Presented<'static> {
        Presented::from_values(values.iter().copied())
    }

    #[test]
    fn hash_matches_nginx_fold() {
        // ngx_hash(key, c) is key * 31 + c over the lower-case name
        let mut expected = 0usize;
        for &b in HEADER_LOWCASE {
            expected = expected.wrapping_mul(31).wrapping_add(usize::from(b));
        }
        assert_eq!(HEADER_HASH, expected);
        assert_ne!(HEADER_HASH, header_hash(b"x_mattermost_preauth_secret"));
    }

    #[test]
    fn classifies_values() {
        assert_eq!(classify(&[]), Presented::Missing);
        assert_eq!(classify(&[b""]), Presented::Missing);
        assert_eq!(classify(&[b"x"]), Presented::One(b"x"));
        assert_eq!(classify(&[b"x", b"x"]), Presented::Duplicate);
        assert_eq!(classify(&[b"", b""]), Presented::Duplicate);
        assert_eq!(classify(&[b"a", b"b", b"c"]), Presented::Duplicate);
    }

    #[test]
    fn verifies() {
        let s = secrets();
        assert_eq!(verify(Presented::One(SECRET), &s), Ok(0));
        assert_eq!(verify(Presented::One(b"wrong"), &s), Err(Refusal::Invalid));
        assert_eq!(verify(Presented::Missing, &s), Err(Refusal::Missing));
        assert_eq!(verify(Presented::Duplicate, &s), Err(Refusal::Duplicate));
    }

    #[test]
    fn duplicate_right_secrets_are_refused() {
        let s = secrets();
        let presented = classify(&[SECRET, SECRET]);
        assert_eq!(verify(presented, &s), Err(Refusal::Duplicate));
    }

    #[test]
    fn messages_name_the_reason() {
        assert!(Refusal::Missing.message().starts_with("missing"));
        assert!(Refusal::Invalid.message().starts_with("invalid"));
        assert!(Refusal::Duplicate.message().starts_with("duplicate"));
    }
}
