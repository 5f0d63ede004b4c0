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
    #[inline]
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
    /// The secret at this index matched, but its expiry date has passed.
    Expired(usize),
}

impl Refusal {
    /// The error log message; nginx appends the client and request context.
    pub fn message(self) -> &'static str {
        match self {
            Self::Missing => "missing pre-authentication secret",
            Self::Invalid => "invalid pre-authentication secret",
            Self::Duplicate => "duplicate pre-authentication secret header",
            Self::Expired(_) => "expired pre-authentication secret",
        }
    }
}

/// `verify_with` at a fixed time.
#[cfg(test)]
pub fn verify(presented: Presented<'_>, secrets: &SecretSet, now: i64) -> Result<usize, Refusal> {
    verify_with(presented, secrets, || now)
}

/// Checks what a request presented: the index of the matching secret, or
/// why the request is to be refused unless an exemption applies. `now`
/// gives the time (seconds since the epoch), asked for only if the
/// matching secret has an expiry date.
#[inline(always)]
pub fn verify_with(
    presented: Presented<'_>,
    secrets: &SecretSet,
    now: impl FnOnce() -> i64,
) -> Result<usize, Refusal> {
    let index = match presented {
        Presented::Missing => return Err(Refusal::Missing),
        Presented::Duplicate => return Err(Refusal::Duplicate),
        Presented::One(value) => secrets.find(value).ok_or(Refusal::Invalid)?,
    };

    match secrets.expires(index) {
        Some(expiry) if expiry.has_passed(now()) => Err(Refusal::Expired(index)),
        _ => Ok(index),
    }
}

/// The outcome of the check for one request, as `$mattermost_preauth_status`
/// reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    Missing,
    Invalid,
    Duplicate,
    Expired,
    /// The check failed, but the URI is exempt.
    Exempt,
    /// The check is off where the request was decided.
    Off,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Missing => "missing",
            Self::Invalid => "invalid",
            Self::Duplicate => "duplicate",
            Self::Expired => "expired",
            Self::Exempt => "exempt",
            Self::Off => "off",
        }
    }
}

impl From<Refusal> for Status {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Missing => Self::Missing,
            Refusal::Invalid => Self::Invalid,
            Refusal::Duplicate => Self::Duplicate,
            Refusal::Expired(_) => Self::Expired,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::secret::SecretSpec;

    const SECRET: &[u8] = b"0123456789abcdefghijklmnopqrstuv";
    const NOW: i64 = 1_800_000_000;

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
        assert_eq!(verify(Presented::One(SECRET), &s, NOW), Ok(0));
        assert_eq!(
            verify(Presented::One(b"wrong"), &s, NOW),
            Err(Refusal::Invalid)
        );
        assert_eq!(verify(Presented::Missing, &s, NOW), Err(Refusal::Missing));
        assert_eq!(
            verify(Presented::Duplicate, &s, NOW),
            Err(Refusal::Duplicate)
        );
    }

    #[test]
    fn duplicate_right_secrets_are_refused() {
        let s = secrets();
        let presented = classify(&[SECRET, SECRET]);
        assert_eq!(verify(presented, &s, NOW), Err(Refusal::Duplicate));
    }

    #[test]
    fn refuses_expired_secret_from_midnight_utc() {
        let mut s = secrets();
        let old: &[&[u8]] = &[b"older-secret-value", b"label=old", b"expires=2026-12-04"];
        let (spec, _) = SecretSpec::parse(old.iter().copied()).expect("valid secret");
        s.insert(&spec).expect("new secret");

        let midnight = 20_791 * 86_400;
        let older = Presented::One(b"older-secret-value");
        assert_eq!(verify(older, &s, midnight - 1), Ok(1));
        assert_eq!(verify(older, &s, midnight), Err(Refusal::Expired(1)));
        assert_eq!(verify(Presented::One(SECRET), &s, midnight), Ok(0));
        assert_eq!(Status::from(Refusal::Expired(1)), Status::Expired);
    }

    #[test]
    fn statuses_have_distinct_names() {
        let all = [
            Status::Ok,
            Status::Missing,
            Status::Invalid,
            Status::Duplicate,
            Status::Expired,
            Status::Exempt,
            Status::Off,
        ];
        let names: Vec<_> = all.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            [
                "ok",
                "missing",
                "invalid",
                "duplicate",
                "expired",
                "exempt",
                "off"
            ]
        );
    }

    #[test]
    fn messages_name_the_reason() {
        assert!(Refusal::Missing.message().starts_with("missing"));
        assert!(Refusal::Invalid.message().starts_with("invalid"));
        assert!(Refusal::Duplicate.message().starts_with("duplicate"));
        assert!(Refusal::Expired(0).message().starts_with("expired"));
    }
}
