//! Pre-authentication secrets: validation of configured values and their
//! options, and the constant-time match of a presented header value against
//! the set.
//!
//! A secret is configured as the value itself or as the SHA-256 digest of
//! it (`sha256:HEX`), optionally with a label and an expiry date:
//!
//! ```text
//! SECRET [label=NAME] [expires=YYYY-MM-DD]
//! ```
//!
//! Every plain secret is kept in a zero-padded slot of `MAX_SECRET_LEN`
//! bytes. A match walks exactly `presented.len()` bytes of every slot,
//! whatever the secrets are, so neither a secret's bytes nor its length
//! change the work done or the memory touched. Where digests are
//! configured, the presented value is hashed once and compared with every
//! digest the same way. A presented value longer than `MAX_SECRET_LEN`
//! cannot match any secret and is refused before any comparison; that bound
//! is a public constant, not a property of a secret.

use core::cell::RefCell;
use core::fmt;
use core::hint::black_box;

use sha2::{Digest as _, Sha256};
use zeroize::Zeroize;

/// The longest secret accepted in the configuration.
pub const MAX_SECRET_LEN: usize = 1024;

/// Secrets shorter than this are accepted with a warning.
pub const RECOMMENDED_SECRET_LEN: usize = 16;

/// The longest label.
pub const MAX_LABEL_LEN: usize = 64;

/// What marks a configured value as the digest of a secret.
pub const SHA256_PREFIX: &[u8] = b"sha256:";

const SHA256_LEN: usize = 32;

/// The example values from Mattermost's documentation and this module's,
/// refused as secrets.
const PLACEHOLDERS: [&[u8]; 3] = [
    b"your-secure-pre-auth-secret-here",
    b"your-secure-auth-secret-here",
    b"REPLACE-WITH-A-SECRET-FROM-scripts/secret",
];

/// Why a configured secret or one of its options cannot be used. The
/// messages never repeat a value, as it might be part of a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretError {
    Empty,
    OptionFirst,
    ControlCharacter,
    SurroundingBlanks,
    Placeholder,
    Variable,
    TooLong,
    Duplicate,
    InvalidDigest,
    InvalidLabel,
    InvalidExpiry,
    UnknownParameter,
    RepeatedParameter,
    DuplicateLabel(String),
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("has an empty secret"),
            Self::OptionFirst => f.write_str(
                "has \"label=\" or \"expires=\" where the secret belongs; the secret comes \
                 first",
            ),
            Self::ControlCharacter => f.write_str(
                "has a secret with a control character, which a header value cannot carry",
            ),
            Self::SurroundingBlanks => f.write_str(
                "has a secret with leading or trailing blanks, which a header value does \
                 not carry reliably",
            ),
            Self::Placeholder => f.write_str(
                "has the placeholder secret from Mattermost's documentation or this \
                 module's; generate a secret with \"openssl rand -base64 32\"",
            ),
            Self::Variable => f.write_str(
                "has a secret that starts like a variable; variables are not expanded \
                 here, so the secret would be that text as written",
            ),
            Self::TooLong => write!(f, "has a secret longer than {MAX_SECRET_LEN} bytes"),
            Self::Duplicate => f.write_str("has a secret that is already listed"),
            Self::InvalidDigest => f.write_str(
                "has an invalid sha256 digest; 64 hexadecimal digits must follow \"sha256:\"",
            ),
            Self::InvalidLabel => write!(
                f,
                "has an invalid label; a label is 1 to {MAX_LABEL_LEN} characters of \
                 A-Z, a-z, 0-9, \".\", \"_\" and \"-\""
            ),
            Self::InvalidExpiry => f.write_str(
                "has an invalid expiry date; the form is \"expires=YYYY-MM-DD\", a date \
                 from 1970 on",
            ),
            Self::UnknownParameter => f.write_str(
                "has an unknown parameter after the secret; only \"label=\" and \
                 \"expires=\" may follow it",
            ),
            Self::RepeatedParameter => {
                f.write_str("has \"label=\" or \"expires=\" more than once for a secret")
            }
            Self::DuplicateLabel(label) => write!(f, "has the label \"{label}\" more than once"),
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

    if PLACEHOLDERS.iter().any(|p| p.eq_ignore_ascii_case(secret)) {
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

/// A configured secret: the value a client sends, or its SHA-256 digest.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SecretValue<'a> {
    Plain(&'a [u8]),
    Sha256([u8; SHA256_LEN]),
}

impl fmt::Debug for SecretValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Plain(_) => f.write_str("Plain(..)"),
            Self::Sha256(_) => f.write_str("Sha256(..)"),
        }
    }
}

/// The first day on which a secret is refused; it starts at 00:00 UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Expiry {
    year: u16,
    month: u8,
    day: u8,
}

impl Expiry {
    /// Parses `YYYY-MM-DD`, a real calendar date from 1970 on.
    pub fn parse(text: &[u8]) -> Option<Self> {
        let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *text else {
            return None;
        };

        let year = u16::try_from(decimal(&[y0, y1, y2, y3])?).ok()?;
        let month = u8::try_from(decimal(&[m0, m1])?).ok()?;
        let day = u8::try_from(decimal(&[d0, d1])?).ok()?;

        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
            2 => 28,
            _ => return None,
        };

        if year < 1970 || day == 0 || day > days_in_month {
            return None;
        }

        Some(Self { year, month, day })
    }

    /// Seconds since the Unix epoch at 00:00 UTC of the day.
    pub fn timestamp(self) -> i64 {
        // days since 0000-03-01 in the proleptic Gregorian calendar, with
        // the year starting in March so that February's length comes last
        let (year, month) = if self.month <= 2 {
            (i64::from(self.year) - 1, i64::from(self.month) + 9)
        } else {
            (i64::from(self.year), i64::from(self.month) - 3)
        };
        let day_of_year = (153 * month + 2) / 5 + i64::from(self.day) - 1;
        let days = year * 365 + year / 4 - year / 100 + year / 400 + day_of_year;

        // 719468 days lie between 0000-03-01 and 1970-01-01
        (days - 719_468) * 86_400
    }

    /// Whether the secret is refused at `now`, in seconds since the epoch.
    pub fn has_passed(self, now: i64) -> bool {
        now >= self.timestamp()
    }
}

impl fmt::Display for Expiry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn decimal(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

/// One configured secret with its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretSpec<'a> {
    pub value: SecretValue<'a>,
    pub label: Option<&'a str>,
    pub expires: Option<Expiry>,
}

impl<'a> SecretSpec<'a> {
    /// Parses `SECRET [label=NAME] [expires=YYYY-MM-DD]`, one argument
    /// each, and says whether a plain secret is long enough.
    pub fn parse<I>(args: I) -> Result<(Self, Strength), SecretError>
    where
        I: IntoIterator<Item = &'a [u8]>,
    {
        let mut args = args.into_iter();
        let value = args.next().unwrap_or_default();

        // an option in the secret's place means the secret was left out
        if strip_prefix_ignore_case(value, b"label=").is_some()
            || strip_prefix_ignore_case(value, b"expires=").is_some()
        {
            return Err(SecretError::OptionFirst);
        }

        let (value, strength) = match strip_prefix_ignore_case(value, SHA256_PREFIX) {
            Some(hex) => (SecretValue::Sha256(parse_digest(hex)?), Strength::Good),
            None => (SecretValue::Plain(value), check_secret(value)?),
        };

        let mut spec = Self {
            value,
            label: None,
            expires: None,
        };

        for arg in args {
            if let Some(label) = arg.strip_prefix(b"label=") {
                if spec.label.is_some() {
                    return Err(SecretError::RepeatedParameter);
                }
                spec.label = Some(parse_label(label)?);
            } else if let Some(date) = arg.strip_prefix(b"expires=") {
                if spec.expires.is_some() {
                    return Err(SecretError::RepeatedParameter);
                }
                spec.expires = Some(Expiry::parse(date).ok_or(SecretError::InvalidExpiry)?);
            } else {
                return Err(SecretError::UnknownParameter);
            }
        }

        Ok((spec, strength))
    }
}

fn strip_prefix_ignore_case<'a>(value: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    let (head, tail) = value.split_at_checked(prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then_some(tail)
}

/// Parses a digest, refusing the digest of a placeholder.
fn parse_digest(hex: &[u8]) -> Result<[u8; SHA256_LEN], SecretError> {
    let digest = parse_hex(hex)?;

    if PLACEHOLDERS.iter().any(|p| sha256(p) == digest) {
        return Err(SecretError::Placeholder);
    }

    Ok(digest)
}

fn parse_hex(hex: &[u8]) -> Result<[u8; SHA256_LEN], SecretError> {
    let mut digest = [0u8; SHA256_LEN];

    if hex.len() != 2 * SHA256_LEN {
        return Err(SecretError::InvalidDigest);
    }

    for (byte, pair) in digest.iter_mut().zip(hex.chunks_exact(2)) {
        let [high, low] = *pair else {
            return Err(SecretError::InvalidDigest);
        };
        *byte = (nibble(high)? << 4) | nibble(low)?;
    }

    Ok(digest)
}

fn nibble(c: u8) -> Result<u8, SecretError> {
    match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        b'A'..=b'F' => Ok(c - b'A' + 10),
        _ => Err(SecretError::InvalidDigest),
    }
}

fn parse_label(label: &[u8]) -> Result<&str, SecretError> {
    let valid = (1..=MAX_LABEL_LEN).contains(&label.len())
        && label
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'));

    if !valid {
        return Err(SecretError::InvalidLabel);
    }

    core::str::from_utf8(label).map_err(|_| SecretError::InvalidLabel)
}

/// The secret lines of a secret file: each with its line number, counted
/// from 1, and its blank-separated fields. Blank lines and lines whose first
/// non-blank character is `#` are left out; a line may end in CR LF, and
/// a UTF-8 byte order mark at the start is ignored.
pub fn file_lines(contents: &[u8]) -> impl Iterator<Item = (usize, Vec<&[u8]>)> {
    // a byte order mark that an editor put first is not part of a secret
    let contents = contents.strip_prefix(b"\xef\xbb\xbf").unwrap_or(contents);

    contents
        .split(|&c| c == b'\n')
        .enumerate()
        .filter_map(|(i, line)| {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let fields: Vec<&[u8]> = line
                .split(|&c| c == b' ' || c == b'\t')
                .filter(|field| !field.is_empty())
                .collect();

            match fields.first() {
                None => None,
                Some(first) if first.starts_with(b"#") => None,
                Some(_) => Some((i + 1, fields)),
            }
        })
}

/// One plain secret in its padded slot.
#[derive(Clone)]
struct Slot {
    bytes: Box<[u8; MAX_SECRET_LEN]>,
    len: usize,
    entry: usize,
}

impl Slot {
    fn new(secret: &[u8], entry: usize) -> Self {
        let mut slot = Self::empty(entry);
        slot.fill(secret);
        slot
    }

    /// A slot that no value matches: no value is this long.
    fn empty(entry: usize) -> Self {
        Self {
            bytes: Box::new([0u8; MAX_SECRET_LEN]),
            len: usize::MAX,
            entry,
        }
    }

    fn fill(&mut self, secret: &[u8]) {
        for (dst, src) in self.bytes.iter_mut().zip(secret) {
            *dst = *src;
        }
        self.len = secret.len().min(MAX_SECRET_LEN);
    }

    fn secret(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.bytes.zeroize();
        self.len = 0;
    }
}

/// The digest of one hashed secret.
#[derive(Clone)]
struct Hashed {
    digest: [u8; SHA256_LEN],
    entry: usize,
}

/// What is known of a secret besides its value.
#[derive(Clone)]
struct Entry {
    label: Option<Box<str>>,
    expires: Option<Expiry>,
}

/// The secrets in effect at one configuration level. An index returned by
/// `add`, `insert` and `find` names a secret in the order it was added.
#[derive(Clone, Default)]
pub struct SecretSet {
    slots: Vec<Slot>,
    hashed: Vec<Hashed>,
    entries: Vec<Entry>,
    /// Some secret has an expiry date.
    expiring: bool,
    /// For each hashed secret, a slot for the value that matched it in
    /// this process, so that a request that presents it again is matched
    /// without hashing; empty (a length no value has) until then. Made
    /// with the set, so that a request allocates nothing.
    remembered: RefCell<Vec<Slot>>,
}

impl fmt::Debug for SecretSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SecretSet({} plain, {} hashed)",
            self.slots.len(),
            self.hashed.len()
        )
    }
}

impl SecretSet {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Validates and adds a secret without options, in the configuration's
    /// form (`sha256:HEX` for a digest); returns its index and strength.
    pub fn add(&mut self, secret: &[u8]) -> Result<(usize, Strength), SecretError> {
        let (spec, strength) = SecretSpec::parse([secret])?;
        Ok((self.insert(&spec)?, strength))
    }

    /// Adds a parsed secret; returns its index.
    pub fn insert(&mut self, spec: &SecretSpec<'_>) -> Result<usize, SecretError> {
        if let Some(label) = spec.label {
            if self
                .entries
                .iter()
                .any(|e| e.label.as_deref() == Some(label))
            {
                return Err(SecretError::DuplicateLabel(label.to_owned()));
            }
        }

        let entry = self.entries.len();

        match spec.value {
            SecretValue::Plain(secret) => {
                let digest = sha256(secret);
                let twin = self.slots.iter().any(|slot| slot.secret() == secret)
                    || self.hashed.iter().any(|h| h.digest == digest);
                if twin {
                    return Err(SecretError::Duplicate);
                }

                self.slots.push(Slot::new(secret, entry));
            }
            SecretValue::Sha256(digest) => {
                let plain_twin = self
                    .slots
                    .iter()
                    .any(|slot| sha256(slot.secret()) == digest);
                if plain_twin || self.hashed.iter().any(|h| h.digest == digest) {
                    return Err(SecretError::Duplicate);
                }

                self.hashed.push(Hashed { digest, entry });
                self.remembered.get_mut().push(Slot::empty(entry));
            }
        }

        self.entries.push(Entry {
            label: spec.label.map(Box::from),
            expires: spec.expires,
        });
        self.expiring |= spec.expires.is_some();

        Ok(entry)
    }

    /// The label of the secret at `index`, empty if it has none.
    pub fn label(&self, index: usize) -> &str {
        self.entries
            .get(index)
            .and_then(|e| e.label.as_deref())
            .unwrap_or_default()
    }

    /// The expiry date of the secret at `index`, if it has one.
    #[inline]
    pub fn expires(&self, index: usize) -> Option<Expiry> {
        if !self.expiring {
            return None;
        }
        self.entries.get(index).and_then(|e| e.expires)
    }

    /// Returns the index of the secret equal to `presented`, comparing with
    /// every secret in constant time. A value that matches a hashed secret
    /// is remembered, in this process, and later compared as the plain
    /// secrets are, without hashing it again; only a value that matches no
    /// secret, or a hashed one for the first time, is hashed. Whether it is
    /// hashed tells no more than whether it matched.
    #[inline(always)]
    pub fn find(&self, presented: &[u8]) -> Option<usize> {
        if presented.len() > MAX_SECRET_LEN {
            return None;
        }

        let (mut found, mut index) = find_in(&self.slots, presented, 0, 0);

        if !self.hashed.is_empty() {
            (found, index) = self.find_hashed(presented, found, index);
        }

        if declassify(found) != 0 {
            Some(index)
        } else {
            None
        }
    }
}

/// `found` and `index` updated with the match of `presented` in `slots`:
/// `found` all ones once a slot matched, `index` the entry of the first.
#[inline(always)]
fn find_in(slots: &[Slot], presented: &[u8], mut found: usize, mut index: usize) -> (usize, usize) {
    for slot in slots {
        let equal = equal_mask(presented, slot);
        index |= slot.entry & equal & !found;
        found |= equal;
    }
    (found, index)
}

impl SecretSet {
    /// The `find` of the hashed secrets, given what the plain ones found.
    #[inline(never)]
    fn find_hashed(&self, presented: &[u8], found: usize, index: usize) -> (usize, usize) {
        let Ok(remembered) = self.remembered.try_borrow() else {
            return (found, index);
        };
        let (mut found, mut index) = find_in(&remembered, presented, found, index);
        drop(remembered);

        // the one branch on the outcome: hashing is skipped for a value
        // that matched, which the response tells anyway
        if declassify(found) != 0 {
            return (found, index);
        }

        let digest = sha256(presented);
        for hashed in &self.hashed {
            let equal = digest_mask(&digest, &hashed.digest);
            index |= hashed.entry & equal & !found;
            found |= equal;
        }

        if declassify(found) != 0 {
            // which secret matched is public too: the label is logged
            self.remember(presented, declassify(index));
        }

        (found, index)
    }

    /// Keeps a value that matched the hashed secret at `entry`.
    #[cold]
    fn remember(&self, presented: &[u8], entry: usize) {
        let Ok(mut remembered) = self.remembered.try_borrow_mut() else {
            return;
        };
        if let Some(slot) = remembered.iter_mut().find(|slot| slot.entry == entry) {
            slot.fill(presented);
        }
    }
}

/// A value computed from secret data that is public all the same, such as
/// whether a request carries a right secret. The constant-time tests, run
/// under valgrind, mark it defined there, so that only branches on it are
/// allowed.
#[inline(always)]
fn declassify(value: usize) -> usize {
    #[cfg(test)]
    let value = constant_time::declassify(value);
    black_box(value)
}

fn sha256(value: &[u8]) -> [u8; SHA256_LEN] {
    Sha256::digest(value).into()
}

/// All ones when `presented` equals the slot's secret, zero otherwise,
/// without a branch on secret data. `presented` is at most the slot's size,
/// so the walk covers `presented.len()` bytes of the slot exactly.
#[inline]
fn equal_mask(presented: &[u8], slot: &Slot) -> usize {
    let stored = slot.bytes.get(..presented.len()).unwrap_or_default();
    let diff = difference(presented, stored);

    // hidden from the compiler, which could otherwise see that the mask is
    // all ones or zero and choose with a branch what it selects
    black_box(zero_mask(fold(diff) | (presented.len() ^ slot.len)))
}

/// All ones when the two digests are equal, zero otherwise.
#[inline]
fn digest_mask(a: &[u8; SHA256_LEN], b: &[u8; SHA256_LEN]) -> usize {
    black_box(zero_mask(fold(difference(a, b))))
}

/// Zero exactly when `a` equals the start of `b`, which must be at least
/// as long. The work depends on `a`'s length only: every byte is looked
/// at, and nothing but the length decides a branch or an address.
#[inline]
fn difference(a: &[u8], b: &[u8]) -> u64 {
    // a shorter `b` is a caller's mistake; it must not pass for equal
    let Some(b) = b.get(..a.len()) else {
        return 1;
    };

    #[cfg(target_arch = "x86_64")]
    if a.len() >= 16 && b.len() == a.len() {
        return sse2::difference(a, b);
    }

    words_difference(a, b)
}

/// `difference` eight bytes at a time, the last eight overlapping the word
/// before them, or one byte at a time below eight; `b` has `a`'s length.
#[inline]
fn words_difference(a: &[u8], b: &[u8]) -> u64 {
    let n = a.len();

    if b.len() != n {
        return 1;
    }

    if n < 8 {
        return a
            .iter()
            .zip(b)
            .fold(0, |diff, (x, y)| diff | u64::from(x ^ y));
    }

    let whole = a
        .chunks_exact(8)
        .zip(b.chunks_exact(8))
        .fold(0, |diff, (x, y)| diff | (word(x) ^ word(y)));

    whole | (word(a.get(n - 8..).unwrap_or_default()) ^ word(b.get(n - 8..).unwrap_or_default()))
}

/// `difference` sixteen bytes at a time with SSE2, which every x86_64
/// processor has.
#[cfg(target_arch = "x86_64")]
mod sse2 {
    use core::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
        _mm_setzero_si128, _mm_xor_si128,
    };

    /// `a` and `b` have the same length, at least sixteen; the last block
    /// overlaps the one before it.
    #[inline]
    pub fn difference(a: &[u8], b: &[u8]) -> u64 {
        let n = a.len().min(b.len());
        if n < 16 {
            return u64::from(a.len() != b.len() || n != 0);
        }

        // SAFETY: SSE2 is part of x86_64; every load reads the sixteen
        // bytes at an offset of at most n - 16 in slices of n bytes or more
        unsafe {
            // the first and the last block, and the one between them up to
            // 48 bytes, as most secrets have; longer ones out of line
            let mut acc = _mm_or_si128(xor(a, b, 0), xor(a, b, n - 16));
            if n > 32 {
                acc = _mm_or_si128(acc, xor(a, b, 16));
            }
            if n > 48 {
                acc = _mm_or_si128(acc, beyond_48(a, b));
            }

            // a bit for every byte of the block that is zero
            let zero = _mm_movemask_epi8(_mm_cmpeq_epi8(acc, _mm_setzero_si128()));
            u64::from((zero ^ 0xffff) as u16)
        }
    }

    /// The XOR of the sixteen bytes at `at` in `a` and in `b`.
    ///
    /// # Safety
    /// Both have at least `at + 16` bytes.
    #[inline(always)]
    unsafe fn xor(a: &[u8], b: &[u8], at: usize) -> __m128i {
        // SAFETY: as the caller promises; SSE2 is part of x86_64
        unsafe {
            _mm_xor_si128(
                _mm_loadu_si128(a.as_ptr().add(at).cast()),
                _mm_loadu_si128(b.as_ptr().add(at).cast()),
            )
        }
    }

    /// The OR of the XOR of the blocks from byte 32 to the last block.
    ///
    /// # Safety
    /// `a` and `b` have the same length, more than 48.
    #[inline(never)]
    unsafe fn beyond_48(a: &[u8], b: &[u8]) -> __m128i {
        let n = a.len();
        let mut acc = _mm_setzero_si128();
        let mut at = 32;
        while at < n - 16 {
            // SAFETY: at + 16 < n, and both have n bytes
            acc = _mm_or_si128(acc, unsafe { xor(a, b, at) });
            at += 16;
        }
        acc
    }
}

/// The first eight bytes as a word, or zero where there are fewer.
#[inline]
fn word(bytes: &[u8]) -> u64 {
    bytes
        .first_chunk::<8>()
        .map_or(0, |w| u64::from_ne_bytes(*w))
}

/// A machine word that is zero exactly when `d` is.
#[inline]
fn fold(d: u64) -> usize {
    if usize::BITS >= u64::BITS {
        d as usize
    } else {
        (d | (d >> 32)) as usize
    }
}

/// All ones when `d` is zero, zero otherwise, without a branch.
#[inline]
fn zero_mask(d: usize) -> usize {
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
            check_secret(b"REPLACE-WITH-A-SECRET-FROM-scripts/secret"),
            Err(SecretError::Placeholder)
        );
        assert_eq!(
            check_secret(b"YOUR-SECURE-PRE-AUTH-SECRET-HERE"),
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

    fn spec(args: &[&'static [u8]]) -> Result<SecretSpec<'static>, SecretError> {
        SecretSpec::parse(args.iter().copied()).map(|(spec, _)| spec)
    }

    const GOOD_SHA256: &[u8] =
        b"sha256:d9c1ad6a96d0d5b3b9cb0ca5c5b6d1bcc7fd1c3c0a2ecfd3f0cd2c41d8b49ef0";

    fn hex(digest: [u8; SHA256_LEN]) -> Vec<u8> {
        let mut line = SHA256_PREFIX.to_vec();
        for b in digest {
            line.extend_from_slice(format!("{b:02x}").as_bytes());
        }
        line
    }

    #[test]
    fn parses_options() {
        let s = spec(&[GOOD, b"label=phones-2026.q4_a", b"expires=2027-01-31"]).unwrap();
        assert_eq!(s.value, SecretValue::Plain(GOOD));
        assert_eq!(s.label, Some("phones-2026.q4_a"));
        assert_eq!(
            s.expires.map(|e| e.to_string()).as_deref(),
            Some("2027-01-31")
        );

        let s = spec(&[GOOD, b"expires=2027-01-31", b"label=x"]).unwrap();
        assert_eq!(s.label, Some("x"));

        let s = spec(&[GOOD]).unwrap();
        assert_eq!((s.label, s.expires), (None, None));
    }

    #[test]
    fn rejects_bad_options() {
        let long = [b'a'; MAX_LABEL_LEN + 1];
        let mut long_label = b"label=".to_vec();
        long_label.extend_from_slice(&long);
        let long_label: &'static [u8] = long_label.leak();

        for label in [
            &b"label="[..],
            b"label=a b",
            b"label=caf\xc3\xa9",
            b"label=a/b",
            long_label,
        ] {
            assert_eq!(spec(&[GOOD, label]), Err(SecretError::InvalidLabel));
        }
        let mut max_label = b"label=".to_vec();
        max_label.extend_from_slice(&long[..MAX_LABEL_LEN]);
        assert!(spec(&[GOOD, max_label.leak()]).is_ok());

        for date in [
            &b"expires="[..],
            b"expires=2026-13-01",
            b"expires=2026-02-29",
            b"expires=2026-04-31",
            b"expires=2026-00-10",
            b"expires=2026-01-00",
            b"expires=1969-12-31",
            b"expires=2026-1-01",
            b"expires=2026/01/01",
            b"expires=+026-01-01",
            b"expires=2026-01-01T00:00",
        ] {
            assert_eq!(spec(&[GOOD, date]), Err(SecretError::InvalidExpiry));
        }
        assert!(spec(&[GOOD, b"expires=2028-02-29"]).is_ok());

        assert_eq!(
            spec(&[GOOD, b"second-half"]),
            Err(SecretError::UnknownParameter)
        );
        assert_eq!(
            spec(&[GOOD, b"Label=x"]),
            Err(SecretError::UnknownParameter)
        );
        assert_eq!(spec(&[b"label=2026-01"]), Err(SecretError::OptionFirst));
        assert_eq!(spec(&[b"Label=2026-01"]), Err(SecretError::OptionFirst));
        assert_eq!(
            spec(&[b"expires=2027-01-01", b"label=x"]),
            Err(SecretError::OptionFirst)
        );
        assert_eq!(
            spec(&[GOOD, b"label=a", b"label=b"]),
            Err(SecretError::RepeatedParameter)
        );
        assert_eq!(
            spec(&[GOOD, b"expires=2030-01-01", b"expires=2030-01-01"]),
            Err(SecretError::RepeatedParameter)
        );
    }

    #[test]
    fn error_messages_never_repeat_values() {
        for err in [
            spec(&[GOOD, b"label=sec ret"]),
            spec(&[GOOD, b"expires=secret"]),
            spec(&[GOOD, b"secret"]),
            spec(&[b"sha256:secret"]),
        ] {
            let text = err.unwrap_err().to_string();
            assert!(!text.contains("secret\""), "{text}");
            assert!(!text.contains("sec ret"), "{text}");
        }
    }

    #[test]
    fn expiry_is_midnight_utc() {
        let at = |date: &[u8]| Expiry::parse(date).unwrap().timestamp();
        assert_eq!(at(b"1970-01-01"), 0);
        assert_eq!(at(b"2000-02-29"), 11_016 * 86_400);
        assert_eq!(at(b"2026-12-04"), 20_791 * 86_400);
        assert_eq!(at(b"9999-12-31"), 2_932_896 * 86_400);

        let day = Expiry::parse(b"2026-12-04").unwrap();
        assert!(!day.has_passed(20_791 * 86_400 - 1));
        assert!(day.has_passed(20_791 * 86_400));
    }

    #[test]
    fn parses_digests() {
        let s = spec(&[GOOD_SHA256, b"label=h"]).unwrap();
        assert!(matches!(s.value, SecretValue::Sha256(_)));

        let upper = GOOD_SHA256.to_ascii_uppercase().leak();
        assert_eq!(
            spec(&[upper]).unwrap().value,
            spec(&[GOOD_SHA256]).unwrap().value
        );

        for bad in [
            &b"sha256:"[..],
            &GOOD_SHA256[..GOOD_SHA256.len() - 1],
            b"sha256:d9c1ad6a96d0d5b3b9cb0ca5c5b6d1bcc7fd1c3c0a2ecfd3f0cd2c41d8b49efg",
            b"sha256:d9c1ad6a96d0d5b3b9cb0ca5c5b6d1bcc7fd1c3c0a2ecfd3f0cd2c41d8b49ef00",
            b"sha256:+9c1ad6a96d0d5b3b9cb0ca5c5b6d1bcc7fd1c3c0a2ecfd3f0cd2c41d8b49ef0",
        ] {
            assert_eq!(spec(&[bad]), Err(SecretError::InvalidDigest));
        }
    }

    #[test]
    fn rejects_digest_of_placeholder() {
        let digest = hex(sha256(b"your-secure-pre-auth-secret-here")).leak();
        assert_eq!(spec(&[digest]), Err(SecretError::Placeholder));
    }

    #[test]
    fn matches_hashed_secret_only_by_its_value() {
        let line = hex(sha256(GOOD)).leak();
        let mut s = SecretSet::new();
        s.add(b"plain-secret-number-1").unwrap();
        assert_eq!(s.add(line), Ok((1, Strength::Good)));

        assert_eq!(s.find(GOOD), Some(1));
        assert_eq!(s.find(b"plain-secret-number-1"), Some(0));
        assert_eq!(s.find(line), None);
        assert_eq!(s.find(&line[SHA256_PREFIX.len()..]), None);
        assert_eq!(s.find(&GOOD[1..]), None);
    }

    #[test]
    fn rejects_a_secret_and_its_digest_together() {
        let line = hex(sha256(GOOD)).leak();

        let mut s = set(&[GOOD]);
        assert_eq!(s.add(line), Err(SecretError::Duplicate));

        let mut s = SecretSet::new();
        s.add(line).unwrap();
        assert_eq!(s.add(GOOD), Err(SecretError::Duplicate));
        assert_eq!(
            s.add(&line.to_ascii_uppercase()),
            Err(SecretError::Duplicate)
        );
    }

    #[test]
    fn keeps_labels_and_expiry_by_index() {
        let mut s = SecretSet::new();
        let (a, _) = SecretSpec::parse([GOOD, b"label=new"]).unwrap();
        let (b, _) =
            SecretSpec::parse([&b"older-secret-value"[..], b"expires=2026-01-01"]).unwrap();
        assert_eq!(s.insert(&a), Ok(0));
        assert_eq!(s.insert(&b), Ok(1));
        assert_eq!(s.label(0), "new");
        assert_eq!(s.label(1), "");
        assert_eq!(s.expires(0), None);
        assert_eq!(
            s.expires(1).map(|e| e.to_string()).as_deref(),
            Some("2026-01-01")
        );

        let (c, _) = SecretSpec::parse([&b"third-secret-value"[..], b"label=new"]).unwrap();
        assert_eq!(s.insert(&c), Err(SecretError::DuplicateLabel("new".into())));
        assert_eq!(s.len(), 2);
        assert_eq!(s.find(b"third-secret-value"), None);
    }

    #[test]
    fn reads_secret_file_lines() {
        let file = b"# secrets\n\n  \t\nfirst-secret-value label=a\r\n  # indented comment\n\
                     \tsecond-secret-value   expires=2030-01-01 \nlast-without-newline";
        let lines: Vec<_> = file_lines(file).collect();
        assert_eq!(
            lines,
            vec![
                (4, vec![&b"first-secret-value"[..], b"label=a"]),
                (6, vec![&b"second-secret-value"[..], b"expires=2030-01-01"]),
                (7, vec![&b"last-without-newline"[..]]),
            ]
        );
        assert_eq!(file_lines(b"").count(), 0);
        assert_eq!(
            file_lines(b"\xef\xbb\xbfsecret-after-bom").collect::<Vec<_>>(),
            vec![(1, vec![&b"secret-after-bom"[..]])]
        );
        assert_eq!(file_lines(b"#only\n\n").count(), 0);
    }

    #[test]
    fn debug_output_hides_secrets() {
        let s = set(&[GOOD]);
        let text = format!("{s:?}");
        assert!(!text.contains("q6Vw0mS3"));
    }

    #[test]
    fn a_shorter_stored_value_never_matches() {
        for n in [1, 7, 8, 15, 16, 17, 40] {
            let a = vec![b'x'; n];
            assert_ne!(difference(&a, &a[..n - 1]), 0, "length {n}");
            assert_ne!(words_difference(&a, &a[..n - 1]), 0, "length {n}");
        }
    }

    #[test]
    fn every_differing_byte_is_seen() {
        let stored: Vec<u8> = (0..=255u8).cycle().take(MAX_SECRET_LEN).collect();

        for n in 0..200 {
            let same = stored.get(..n).unwrap_or_default().to_vec();
            assert_eq!(difference(&same, &stored), 0, "length {n}");
            assert_eq!(words_difference(&same, &stored[..n]), 0, "length {n}");

            for at in 0..n {
                let mut other = same.clone();
                other[at] ^= 0x80;
                assert_ne!(difference(&other, &stored), 0, "length {n}, byte {at}");
                assert_ne!(
                    words_difference(&other, &stored[..n]),
                    0,
                    "length {n}, byte {at}"
                );
            }
        }
    }

    #[test]
    fn hashed_matches_are_remembered() {
        let digest = |v: &[u8]| {
            let hex: String = sha256(v).iter().map(|b| format!("{b:02x}")).collect();
            format!("sha256:{hex}").into_bytes()
        };
        let other = b"another-secret-value-0001";
        let s = set(&[&digest(other), b"plain-secret-value-0002", &digest(GOOD)]);
        let remembered = || {
            let slots = s.remembered.borrow();
            slots.iter().filter(|slot| slot.len != usize::MAX).count()
        };

        assert_eq!(s.find(b"wrong-value"), None);
        assert_eq!(s.find(b"plain-secret-value-0002"), Some(1));
        assert_eq!(remembered(), 0);

        for _ in 0..3 {
            assert_eq!(s.find(GOOD), Some(2));
            assert_eq!(remembered(), 1);
        }
        assert_eq!(s.find(&GOOD[..GOOD.len() - 1]), None);
        assert_eq!(s.find(other), Some(0));
        assert_eq!(s.find(other), Some(0));
        assert_eq!(s.find(GOOD), Some(2));
        assert_eq!(remembered(), 2);
        assert_eq!(s.find(b""), None);
        assert_eq!(s.find(b"wrong-value"), None);
        assert_eq!(remembered(), 2);
    }
}
