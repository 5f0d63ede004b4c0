//! A statistical timing test of the secret match, in the style of dudect:
//! two classes of inputs, measured in random order, compared with Welch's
//! t-test. |t| above 4.5 says that the classes take measurably different
//! times. An early-exit comparison is measured the same way as a control,
//! and should be far above; two identical classes show the noise floor.
//!
//! Both classes use the same memory: before each measurement the class's
//! input is written into one presented buffer and one secret slot, the same
//! writes for either class, so that where the data lies cannot tell the
//! classes apart.
//!
//! It takes a while and depends on the machine, so it is ignored by
//! `cargo test`; `scripts/bench` runs it:
//!
//! ```sh
//! cargo test --release --features vendored --lib secret::timing -- \
//!     --ignored --nocapture --test-threads=1
//! ```
//!
//! `PREAUTH_DUDECT_SAMPLES` sets the measurements per class (default one
//! million). Each line printed is `dudect COMPARISON CLASSES N0 N1 T`.

use core::hint::black_box;
use std::time::Instant;

use super::{SecretSet, Slot};

/// A secret as `openssl rand -base64 32` makes it.
const SECRET: &[u8] = b"q6Vw0mS3o1Jp7ZxkqNf0xw2c8Yv9Lr4tHd5Ue1Ba3Ck=";

/// Calls timed together in one measurement, to rise above the clock's
/// resolution.
const BATCH: usize = 8;

/// The textbook comparison: stops at the first difference in length or
/// content.
fn naive_find(set: &SecretSet, presented: &[u8]) -> Option<usize> {
    set.slots.iter().position(|slot: &Slot| {
        slot.len == presented.len() && slot.bytes.iter().zip(presented).all(|(a, b)| a == b)
    })
}

type Compare = fn(&SecretSet, &[u8]) -> Option<usize>;

/// What one class sets up before a measurement.
#[derive(Clone, Copy)]
struct Input {
    presented: [u8; SECRET.len()],
    secret_len: usize,
    /// The slot's byte at the secret's last position: its byte, or the
    /// padding when the secret is a byte shorter.
    last_byte: u8,
}

/// Welford's running mean and variance.
#[derive(Default)]
struct Moments {
    n: f64,
    mean: f64,
    m2: f64,
}

impl Moments {
    fn push(&mut self, x: f64) {
        self.n += 1.0;
        let delta = x - self.mean;
        self.mean += delta / self.n;
        self.m2 += delta * (x - self.mean);
    }

    fn variance(&self) -> f64 {
        self.m2 / (self.n - 1.0)
    }
}

fn welch_t(a: &Moments, b: &Moments) -> f64 {
    (a.mean - b.mean) / (a.variance() / a.n + b.variance() / b.n).sqrt()
}

/// xorshift64*: a fixed sequence of class choices.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Writes a class's input into the shared buffer and slot, the same writes
/// and no branch for either class.
fn prepare(set: &mut SecretSet, presented: &mut [u8], input: &Input) {
    presented.copy_from_slice(&input.presented);

    if let Some(slot) = set.slots.first_mut() {
        slot.len = input.secret_len;
        slot.bytes[SECRET.len() - 1] = input.last_byte;
    }
}

/// Measures `per_class` batches of each class in random order and returns
/// the largest |t| over the measurements cropped at a few percentiles,
/// which keeps interrupts and other noise from hiding a difference.
fn measure(compare: Compare, inputs: &[Input; 2], per_class: usize) -> f64 {
    let mut set = SecretSet::new();
    set.add(SECRET).expect("valid secret");
    let mut presented = [0u8; SECRET.len()];

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut samples: Vec<(u8, u64)> = Vec::with_capacity(2 * per_class);
    let mut left = [per_class; 2];

    // warm up caches and branch predictors on both classes
    for i in 0..10_000 {
        prepare(&mut set, &mut presented, &inputs[i % 2]);
        black_box(compare(black_box(&set), black_box(&presented)));
    }

    while left[0] + left[1] > 0 {
        let class = if left[1] == 0 || (left[0] > 0 && rng.next() >> 63 == 0) {
            0
        } else {
            1
        };
        prepare(&mut set, &mut presented, &inputs[class]);

        let start = Instant::now();
        for _ in 0..BATCH {
            black_box(compare(black_box(&set), black_box(&presented)));
        }
        let elapsed = start.elapsed().as_nanos();

        left[class] -= 1;
        samples.push((class as u8, u64::try_from(elapsed).unwrap_or(u64::MAX)));
    }

    let mut sorted: Vec<u64> = samples.iter().map(|&(_, t)| t).collect();
    sorted.sort_unstable();

    let mut worst = 0.0f64;
    for percentile in [50, 75, 90, 95, 99, 100] {
        let index = (sorted.len() * percentile / 100).min(sorted.len() - 1);
        let limit = sorted[index];
        let mut moments = [Moments::default(), Moments::default()];
        for &(class, t) in samples.iter().filter(|&&(_, t)| t <= limit) {
            moments[usize::from(class)].push(t as f64);
        }
        let t = welch_t(&moments[0], &moments[1]);
        if t.is_finite() && t.abs() > worst.abs() {
            worst = t;
        }
    }

    worst
}

#[test]
#[ignore = "statistical timing test, run by scripts/bench"]
fn dudect() {
    let per_class: usize = std::env::var("PREAUTH_DUDECT_SAMPLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);

    let full = SECRET.len();
    let mut first = Input {
        presented: [0; SECRET.len()],
        secret_len: full,
        last_byte: SECRET[full - 1],
    };
    first.presented.copy_from_slice(SECRET);
    let mut last = first;
    first.presented[0] ^= 1;
    last.presented[full - 1] ^= 1;

    // the same presented value against the secret, and against the secret
    // without its last byte: only whether the lengths are equal differs
    let other_length = Input {
        secret_len: full - 1,
        last_byte: 0,
        ..last
    };

    let classes = [
        ("first-byte-vs-last-byte", [first, last]),
        ("equal-length-vs-other-length", [last, other_length]),
        ("identical-inputs", [last, last]),
    ];
    let compares: [(&str, Compare); 2] = [("module", SecretSet::find), ("naive", naive_find)];

    // the test harness has printed the test's name without a newline
    println!();
    for (classes, inputs) in &classes {
        for (name, compare) in compares {
            let t = measure(compare, inputs, per_class);
            println!("dudect {name} {classes} {per_class} {per_class} {t:.2}");
        }
    }
}
