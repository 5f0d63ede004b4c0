//! Pre-authentication secrets: validation of configured values and the
//! constant-time match of a presented header value against the set.
//!
//! Every secret is kept in a zero-padded slot of `MAX_SECRET_LEN` bytes. A
//! match walks exactly `presented.len()` bytes of every slot, whatever the
//! secrets are, so neither a secret's bytes nor its length change the work
//! done or the memory touched. A presented value longer than
//! `MAX_SECRET_LEN` cannot match any secret and is refused before any
//! comparison; that bound is a public constant, not a property of a secret.

use core::fmt;
use core::hint::black_box;

use zeroize::Zeroize;

/// The longest secret accepted in the configuration.
pub const MAX_SECRET_LEN: usize = 1024;

/// Secrets shorter than this are accepted with a warning.
pub const RECOMMENDED_SECRET_LEN: usize = 16;

/// The example values from Mattermost's documentation, refused as secrets.
const PLACEHOLDERS: [&[u8]; 2] = [
    b"your-secure-pre-auth-secret-here",
    b"your-secure-auth-secret-here",
];

/// Why a configured secret cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretError {
    Empty,
    ControlCharacter,
    SurroundingBlanks,
    Placeholder,
    Variable,
    TooLong,
    Duplicate,
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("has an empty secret"),
            Self::ControlCharacter => f.write_str(
                "has a secret with a control character, which a header value cannot carry",
            ),
            Self::SurroundingBlanks => f.write_str(
                "has a secret with leading or trailing blanks, which a header value does \
                 not carry reliably",
            ),
            Self::Placeholder => f.write_str(
                "has the placeholder secret from Mattermost's documentation; generate a \
                 secret with \"openssl rand -base64 32\"",
            ),
            Self::Variable => f.write_str(
                "has a secret that starts like a variable; variables are not expanded \
                 here, so the secret would be that text as written",
            ),
            Self::TooLong => write!(f, "has a secret longer than {MAX_SECRET_LEN} bytes"),
            Self::Duplicate => f.write_str("has a secret that is already listed"),
        }
    }
}

/// A usable secret may still deserve a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strength {
    Good,
    Short,
}

/// Checks one configured secret as nginx would receive it in a header.
pub fn check_secret(secret: &[u8]) -> Result<Strength, SecretError> {
    let (Some(first), Some(last)) = (secret.first(), secret.last()) else {
        return Err(SecretError::Empty);
    };

    if secret.len() > MAX_SECRET_LEN {
        return Err(SecretError::TooLong);
    }

    // a tab inside a value is legal in a header, any other control byte is not
    if secret
        .iter()
        .any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f)
    {
        return Err(SecretError::ControlCharacter);
    }

    if matches!(first, b' ' | b'\t') || matches!(last, b' ' | b'\t') {
        return Err(SecretError::SurroundingBlanks);
    }

    if PLACEHOLDERS.contains(&secret) {
        return Err(SecretError::Placeholder);
    }

    // "$name", "${name}" and "$1" are what variables look like in nginx
    if let [b'$', c, ..] = secret {
        if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'{') {
            return Err(SecretError::Variable);
        }
    }

    if secret.len() < RECOMMENDED_SECRET_LEN {
        return Ok(Strength::Short);
    }

    Ok(Strength::Good)
}

/// One secret in its padded slot.
#[derive(Clone)]
struct Slot {
    bytes: Box<[u8; MAX_SECRET_LEN]>,
    len: usize,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.bytes.zeroize();
        self.len = 0;
    }
}

/// The secrets in effect at one configuration level.
#[derive(Clone, Default)]
pub struct SecretSet {
    slots: Vec<Slot>,
}

impl fmt::Debug for SecretSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretSet({} secrets)", self.slots.len())
    }
}

impl SecretSet {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Validates and adds a secret; returns its index and strength.
    pub fn add(&mut self, secret: &[u8]) -> Result<(usize, Strength), SecretError> {
        let strength = check_secret(secret)?;

        if self.find(secret).is_some() {
            return Err(SecretError::Duplicate);
        }

        let mut bytes = Box::new([0u8; MAX_SECRET_LEN]);
        for (dst, src) in bytes.iter_mut().zip(secret) {
            *dst = *src;
        }

        self.slots.push(Slot {
            bytes,
            len: secret.len(),
        });

        Ok((self.slots.len() - 1, strength))
    }

    /// Returns the index of the secret equal to `presented`, comparing with
    /// every secret in constant time.
    pub fn find(&self, presented: &[u8]) -> Option<usize> {
        if presented.len() > MAX_SECRET_LEN {
            return None;
        }

        let mut found = 0usize;
        let mut index = 0usize;

        for (i, slot) in self.slots.iter().enumerate() {
            let equal = equal_mask(presented, slot);
            index |= i & equal & !found;
            found |= equal;
        }

        if black_box(found) != 0 {
            Some(index)
        } else {
            None
        }
    }
}

/// All ones when `presented` equals the slot's secret, zero otherwise,
/// without a branch on secret data. `presented` is at most the slot's size,
/// so the walk covers `presented.len()` bytes of the slot exactly.
#[inline]
fn equal_mask(presented: &[u8], slot: &Slot) -> usize {
    let mut diff = 0u8;

    for (a, b) in presented.iter().zip(slot.bytes.iter()) {
        diff |= a ^ b;
    }

    let d = usize::from(black_box(diff)) | (presented.len() ^ slot.len);
    let nonzero = (d | d.wrapping_neg()) >> (usize::BITS - 1);

    nonzero.wrapping_sub(1)
}

#[cfg(test)]
mod constant_time;
#[cfg(test)]
mod timing;

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &[u8] = b"q6Vw0mS3o1Jp7ZxkqNf0xw2c8Yv9Lr4tHd5Ue1Ba3Ck=";

    fn set(secrets: &[&[u8]]) -> SecretSet {
        let mut s = SecretSet::new();
        for secret in secrets {
            s.add(secret).expect("valid secret");
        }
        s
    }

    #[test]
    fn accepts_good_secret() {
        assert_eq!(check_secret(GOOD), Ok(Strength::Good));
    }

    #[test]
    fn warns_on_short_secret() {
        assert_eq!(check_secret(b"fifteen-bytes!!"), Ok(Strength::Short));
        assert_eq!(check_secret(b"sixteen-bytes!!!"), Ok(Strength::Good));
    }

    #[test]
    fn rejects_bad_secrets() {
        assert_eq!(check_secret(b""), Err(SecretError::Empty));
        assert_eq!(
            check_secret(b"abc\x01defghijklmnop"),
            Err(SecretError::ControlCharacter)
        );
        assert_eq!(
            check_secret(b"abcdefghijklmnop\x7f"),
            Err(SecretError::ControlCharacter)
        );
        assert_eq!(check_secret(b"abcdefgh\tijklmnop"), Ok(Strength::Good));
        assert_eq!(
            check_secret(b"abcdefghijklmnop\t"),
            Err(SecretError::SurroundingBlanks)
        );
        assert_eq!(
            check_secret(b" abcdefghijklmnop"),
            Err(SecretError::SurroundingBlanks)
        );
        assert_eq!(
            check_secret(b"abcdefghijklmnop "),
            Err(SecretError::SurroundingBlanks)
        );
        assert_eq!(
            check_secret(b"your-secure-pre-auth-secret-here"),
            Err(SecretError::Placeholder)
        );
        assert_eq!(
            check_secret(b"your-secure-auth-secret-here"),
            Err(SecretError::Placeholder)
        );
        assert_eq!(
            check_secret(&[b'a'; MAX_SECRET_LEN + 1]),
            Err(SecretError::TooLong)
        );
        assert_eq!(check_secret(&[b'a'; MAX_SECRET_LEN]), Ok(Strength::Good));
    }

    #[test]
    fn rejects_what_looks_like_a_variable() {
        assert_eq!(
            check_secret(b"$mattermost_secret"),
            Err(SecretError::Variable)
        );
        assert_eq!(
            check_secret(b"${secret}-suffix"),
            Err(SecretError::Variable)
        );
        assert_eq!(
            check_secret(b"$_underscored_name"),
            Err(SecretError::Variable)
        );
        assert_eq!(
            check_secret(b"$1abcdefghijklmnop"),
            Err(SecretError::Variable)
        );
        assert_eq!(check_secret(b"$-abcdefghijklmnop"), Ok(Strength::Good));
        assert_eq!(check_secret(b"abcdefgh$ijklmnop"), Ok(Strength::Good));
    }

    #[test]
    fn accepts_inner_blanks_and_non_ascii() {
        assert_eq!(check_secret(b"two words in a secret"), Ok(Strength::Good));
        assert_eq!(
            check_secret("p\u{e4}ssw\u{f6}rd-with-umlauts".as_bytes()),
            Ok(Strength::Good)
        );
    }

    #[test]
    fn rejects_duplicate() {
        let mut s = set(&[GOOD]);
        assert_eq!(s.add(GOOD), Err(SecretError::Duplicate));
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn finds_exact_secret_only() {
        let s = set(&[GOOD]);
        assert_eq!(s.find(GOOD), Some(0));
        assert_eq!(s.find(&GOOD[..GOOD.len() - 1]), None);
        assert_eq!(s.find(b""), None);

        let mut longer = GOOD.to_vec();
        longer.push(b'x');
        assert_eq!(s.find(&longer), None);

        let mut padded = GOOD.to_vec();
        padded.push(0);
        assert_eq!(s.find(&padded), None);

        let mut flipped = GOOD.to_vec();
        flipped[0] ^= 0x20;
        assert_eq!(s.find(&flipped), None);
    }

    #[test]
    fn compares_case_sensitively() {
        let s = set(&[b"CaseSensitiveSecret"]);
        assert_eq!(s.find(b"casesensitivesecret"), None);
        assert_eq!(s.find(b"CaseSensitiveSecret"), Some(0));
    }

    #[test]
    fn finds_each_of_several_secrets() {
        let secrets: [&[u8]; 4] = [
            b"first-secret-value-0001",
            b"second-secret-value-02",
            GOOD,
            &[b'z'; MAX_SECRET_LEN],
        ];
        let s = set(&secrets);
        for (i, secret) in secrets.iter().enumerate() {
            assert_eq!(s.find(secret), Some(i));
        }
        assert_eq!(s.find(b"first-secret-value-0002"), None);
    }

    #[test]
    fn refuses_oversized_value() {
        let s = set(&[GOOD]);
        assert_eq!(s.find(&[b'a'; MAX_SECRET_LEN + 1]), None);
        assert_eq!(s.find(&[b'a'; 6000]), None);
    }

    #[test]
    fn empty_set_matches_nothing() {
        assert_eq!(SecretSet::new().find(b""), None);
        assert_eq!(SecretSet::new().find(GOOD), None);
    }

    #[test]
    fn debug_output_hides_secrets() {
        let s = set(&[GOOD]);
        let text = format!("{s:?}");
        assert!(!text.contains("q6Vw0mS3"));
    }
}
