//! The constant-time property of the secret match, checked under valgrind.
//!
//! Memcheck tracks, for every bit, whether it is defined, and reports a
//! conditional jump, or a memory address, computed from undefined bits.
//! Marking the secrets (the bytes and lengths of plain secrets, the digests
//! of hashed ones) and the presented value as undefined therefore makes
//! memcheck report every branch and every memory index that depends on
//! them, the hashing of the presented value included. Only the result of the match is marked
//! defined again: whether a request carries a right secret is what the
//! response tells anyway.
//!
//! `scripts/test` runs these tests under valgrind with
//! `PREAUTH_CONSTANT_TIME=valgrind`; they then fail on any report for the
//! module's match, and also unless memcheck does report the early-exit
//! comparisons below, which shows that the check can fail. Run natively,
//! client requests do nothing and the tests only check the results.

use core::ffi::c_void;
use core::hint::black_box;
use core::mem::size_of_val;

use crabgrind::memcheck::{mark_memory, MemState};
use crabgrind::valgrind::{count_errors, running_mode};

use super::{sha256, SecretSet, Slot, MAX_SECRET_LEN};

/// A secret as `openssl rand -base64 32` makes it.
const SECRET: &[u8] = b"q6Vw0mS3o1Jp7ZxkqNf0xw2c8Yv9Lr4tHd5Ue1Ba3Ck=";

fn under_valgrind() -> bool {
    let wanted = std::env::var_os("PREAUTH_CONSTANT_TIME").is_some_and(|v| v == "valgrind");
    let running = running_mode().is_valgrind();

    assert!(
        running || !wanted,
        "PREAUTH_CONSTANT_TIME=valgrind, but not running under valgrind"
    );
    running
}

fn mark<T: ?Sized>(value: &T, state: MemState) {
    let addr = (value as *const T).cast::<c_void>();
    // outside valgrind a client request does nothing, and says so
    let _ = mark_memory(addr, size_of_val(value), state);
}

/// Marks a value that the match computes from secret data as public, as
/// `super::declassify` says it is.
pub(super) fn declassify(value: usize) -> usize {
    let value = black_box(value);
    mark(&value, MemState::Defined);
    // read back from the memory just marked, not from a register
    // SAFETY: a plain read of a local
    unsafe { core::ptr::read_volatile(&value) }
}

fn mark_slots(set: &SecretSet, state: MemState) {
    for slot in &set.slots {
        mark(&slot.bytes[..], state);
        mark(&slot.len, state);
    }
    for hashed in &set.hashed {
        mark(&hashed.digest, state);
    }
    for slot in set.remembered.borrow().iter() {
        mark(&slot.bytes[..], state);
        mark(&slot.len, state);
    }
}

/// Runs `compare` with the secrets and the presented value undefined, and
/// returns its result and the number of errors memcheck reported meanwhile.
fn errors_during<R: Copy>(
    set: &SecretSet,
    presented: &[u8],
    compare: impl FnOnce(&SecretSet, &[u8]) -> R,
) -> (R, usize) {
    let before = count_errors();

    mark_slots(set, MemState::Undefined);
    mark(presented, MemState::Undefined);

    let result = black_box(compare(set, black_box(presented)));
    mark(&result, MemState::Defined);

    mark(presented, MemState::Defined);
    mark_slots(set, MemState::Defined);

    (result, count_errors() - before)
}

fn set_of(secrets: &[&[u8]]) -> SecretSet {
    let mut set = SecretSet::new();
    for secret in secrets {
        set.add(secret).expect("valid secret");
    }
    set
}

/// A secret as configured by its digest, `sha256:HEX`.
fn hashed(secret: &[u8]) -> Vec<u8> {
    let mut spec = b"sha256:".to_vec();
    for byte in sha256(secret) {
        spec.extend_from_slice(format!("{byte:02x}").as_bytes());
    }
    spec
}

/// Whether a configured secret, plain or `sha256:HEX`, accepts `presented`.
fn accepts(secret: &[u8], presented: &[u8]) -> bool {
    secret == presented || (secret.starts_with(b"sha256:") && *secret == hashed(presented)[..])
}

/// The values a client may present: right, wrong in the first or the last
/// byte, shorter, longer, empty, and as long as the longest secret allowed.
fn presented_values() -> Vec<Vec<u8>> {
    let mut first = SECRET.to_vec();
    first[0] ^= 1;
    let mut last = SECRET.to_vec();
    last[SECRET.len() - 1] ^= 1;
    let mut longer = SECRET.to_vec();
    longer.push(b'x');

    vec![
        SECRET.to_vec(),
        first,
        last,
        SECRET[..SECRET.len() - 1].to_vec(),
        longer,
        Vec::new(),
        vec![b'a'; MAX_SECRET_LEN],
    ]
}

/// The textbook comparison: stops at the first difference in length or
/// content.
fn naive_find(set: &SecretSet, presented: &[u8]) -> Option<usize> {
    set.slots.iter().position(|slot: &Slot| {
        slot.len == presented.len() && slot.bytes.iter().zip(presented).all(|(a, b)| a == b)
    })
}

/// Compares only the bytes, early exit, with lengths known to be equal.
fn naive_bytes(set: &SecretSet, presented: &[u8]) -> bool {
    set.slots
        .first()
        .is_some_and(|slot| slot.bytes.iter().zip(presented).all(|(a, b)| a == b))
}

/// Looks a secret byte up in a table: a memory index that depends on it.
fn table_lookup(set: &SecretSet, _presented: &[u8]) -> u8 {
    static TABLE: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut i = 0;
        while i < 256 {
            t[i] = (i as u8).rotate_left(3);
            i += 1;
        }
        t
    };
    set.slots
        .first()
        .map_or(0, |slot| TABLE[usize::from(slot.bytes[0])])
}

#[test]
fn match_has_no_secret_dependent_branch_or_index() {
    let checked = under_valgrind();
    let four: [&[u8]; 4] = [
        b"first-secret-value-0001",
        SECRET,
        b"third-secret-value-03",
        &[b'z'; MAX_SECRET_LEN],
    ];
    let digest = hashed(SECRET);
    let other_digest = hashed(b"first-secret-value-0001");
    let mixed: [&[u8]; 3] = [&other_digest, b"third-secret-value-03", &digest];

    // in both orders: the right value first, so that a hashed secret is
    // matched from memory afterwards, and last
    let forward = presented_values();
    let backward: Vec<_> = forward.iter().rev().cloned().collect();

    for secrets in [&[SECRET][..], &four[..], &[&digest[..]][..], &mixed[..]] {
        for values in [&forward, &backward] {
            let set = set_of(secrets);
            for presented in values {
                check_match(&set, secrets, presented, checked);
            }
        }
    }
}

fn check_match(set: &SecretSet, secrets: &[&[u8]], presented: &[u8], checked: bool) {
    let (found, errors) = errors_during(set, presented, SecretSet::find);
    assert_eq!(found, secrets.iter().position(|s| accepts(s, presented)));
    if checked {
        assert_eq!(
            errors,
            0,
            "memcheck reported the match of a {}-byte value against {} secrets",
            presented.len(),
            secrets.len()
        );
    }
}

#[test]
fn early_exit_comparisons_are_reported() {
    let checked = under_valgrind();
    let set = set_of(&[SECRET]);

    let mut wrong = SECRET.to_vec();
    wrong[0] ^= 1;

    let (found, errors) = errors_during(&set, SECRET, naive_find);
    assert_eq!(found, Some(0));
    assert!(!checked || errors > 0, "early exit on length or content");

    let (equal, errors) = errors_during(&set, &wrong, naive_bytes);
    assert!(!equal);
    assert!(!checked || errors > 0, "early exit on content");

    let (_, errors) = errors_during(&set, SECRET, table_lookup);
    assert!(!checked || errors > 0, "table lookup by a secret byte");
}
