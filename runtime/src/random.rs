//! Bit-exact `std::mt19937` and the libstdc++ 12 distributions used by DAPHNE's `rand`.
//!
//! DaphneDSL scripts with a fixed seed print the exact values of C++'s standard library, so this
//! module reproduces, bit for bit (see `spec/exact-numerics.md` §1.4):
//! - the 32-bit Mersenne Twister with `std::mt19937`'s seeding;
//! - `std::generate_canonical` for `double` (two engine outputs, the first one as the low half)
//!   and `float` (one output), with the correction of a result that rounds up to 1;
//! - `std::uniform_real_distribution` (`u * (b - a) + a`, no fused multiply-add);
//! - `std::uniform_int_distribution` in 64-bit arithmetic: Lemire's nearly-divisionless method
//!   for ranges below 2^32 - 1, the raw output for exactly 2^32 - 1, and upscaling (a recursive
//!   draw for the high half first) for wider ranges.

/// The standard 32-bit Mersenne Twister (`std::mt19937`).
#[derive(Clone)]
pub struct Mt19937 {
    state: [u32; STATE_WORDS],
    next: usize,
}

const STATE_WORDS: usize = 624;
const SHIFT_WORDS: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

impl Mt19937 {
    /// An engine seeded like `std::mt19937(seed)` (C++ reduces the seed modulo 2^32).
    pub fn new(seed: u32) -> Self {
        let mut state = [0u32; STATE_WORDS];
        state[0] = seed;
        for i in 1..STATE_WORDS {
            let previous = state[i - 1];
            state[i] = 1_812_433_253u32
                .wrapping_mul(previous ^ (previous >> 30))
                .wrapping_add(i as u32);
        }
        Self {
            state,
            next: STATE_WORDS,
        }
    }

    /// The next output, in `[0, 2^32 - 1]`.
    pub fn next_u32(&mut self) -> u32 {
        if self.next >= STATE_WORDS {
            self.twist();
        }
        let mut y = self.state[self.next];
        self.next += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    fn twist(&mut self) {
        for i in 0..STATE_WORDS {
            let y = (self.state[i] & UPPER_MASK) | (self.state[(i + 1) % STATE_WORDS] & LOWER_MASK);
            let mag = if y & 1 == 0 { 0 } else { MATRIX_A };
            self.state[i] = self.state[(i + SHIFT_WORDS) % STATE_WORDS] ^ (y >> 1) ^ mag;
        }
        self.next = 0;
    }
}

/// `std::generate_canonical<double, 53>(engine)`: a double in `[0, 1)`.
pub fn canonical_f64(engine: &mut Mt19937) -> f64 {
    let low = f64::from(engine.next_u32());
    let high = f64::from(engine.next_u32());
    // `high * 2^32` is exact; the single addition rounds to nearest even; the division is exact.
    let value = (low + high * 4_294_967_296.0) / 18_446_744_073_709_551_616.0;
    if value >= 1.0 {
        1.0 - f64::EPSILON / 2.0
    } else {
        value
    }
}

/// `std::generate_canonical<float, 24>(engine)`: a float in `[0, 1)`.
pub fn canonical_f32(engine: &mut Mt19937) -> f32 {
    let value = engine.next_u32() as f32 / 4_294_967_296.0;
    if value >= 1.0 {
        1.0 - f32::EPSILON / 2.0
    } else {
        value
    }
}

/// `std::uniform_int_distribution` over `[0, range_max]`, in libstdc++'s 64-bit working type.
pub fn uniform_u64(engine: &mut Mt19937, range_max: u64) -> u64 {
    const ENGINE_MAX: u64 = u32::MAX as u64;
    if range_max < ENGINE_MAX {
        // Lemire's nearly-divisionless method; `range_max + 1` fits in 32 bits here.
        let range = range_max as u32 + 1;
        let mut product = u64::from(engine.next_u32()) * u64::from(range);
        if (product as u32) < range {
            let threshold = range.wrapping_neg() % range;
            while (product as u32) < threshold {
                product = u64::from(engine.next_u32()) * u64::from(range);
            }
        }
        product >> 32
    } else if range_max == ENGINE_MAX {
        u64::from(engine.next_u32())
    } else {
        loop {
            let high = uniform_u64(engine, range_max >> 32).wrapping_mul(1 << 32);
            let value = high.wrapping_add(u64::from(engine.next_u32()));
            if value <= range_max && value >= high {
                return value;
            }
        }
    }
}

/// A value type that DAPHNE's `rand` can draw, with libstdc++'s distribution for it.
pub trait UniformValue: Copy {
    /// One draw of `std::uniform_real_distribution` or `std::uniform_int_distribution` over
    /// `[min, max]`.
    fn uniform(engine: &mut Mt19937, min: Self, max: Self) -> Self;
}

impl UniformValue for f64 {
    fn uniform(engine: &mut Mt19937, min: Self, max: Self) -> Self {
        canonical_f64(engine) * (max - min) + min
    }
}

impl UniformValue for f32 {
    fn uniform(engine: &mut Mt19937, min: Self, max: Self) -> Self {
        canonical_f32(engine) * (max - min) + min
    }
}

/// Implements [`UniformValue`] for integer types: C++ converts both bounds to `uint64_t`
/// (sign-extending), draws an offset, adds it with wrap-around and truncates back.
macro_rules! int_uniform {
    ($($t:ty),*) => {$(
        impl UniformValue for $t {
            fn uniform(engine: &mut Mt19937, min: Self, max: Self) -> Self {
                let range_max = (max as u64).wrapping_sub(min as u64);
                uniform_u64(engine, range_max).wrapping_add(min as u64) as $t
            }
        }
    )*};
}

int_uniform!(i64, i32, i8, u64, u32, u8);

#[cfg(test)]
mod tests {
    //! Test vectors of `spec/exact-numerics.md` §2 (g++ 12.2, libstdc++ 12, x86-64).
    use super::*;

    fn draws<T: UniformValue>(seed: u32, min: T, max: T, n: usize) -> Vec<T> {
        let mut engine = Mt19937::new(seed);
        (0..n).map(|_| T::uniform(&mut engine, min, max)).collect()
    }

    fn parse<T: std::str::FromStr>(text: &str) -> Vec<T>
    where
        T::Err: std::fmt::Debug,
    {
        text.split_whitespace()
            .map(|word| word.parse().unwrap())
            .collect()
    }

    #[test]
    fn raw_outputs() {
        for (seed, expected) in [
            (
                0,
                "2357136044 2546248239 3071714933 3626093760 2588848963 3684848379",
            ),
            (
                1,
                "1791095845 4282876139 3093770124 4005303368 491263 550290313",
            ),
            (
                42,
                "1608637542 3421126067 4083286876 787846414 3143890026 3348747335",
            ),
            (
                12345,
                "3992670690 3823185381 1358822685 561383553 789925284 170765737",
            ),
            // genIndex engines, seeded with seed * 3.
            (126, "451710822 4140706415 550374602 880776961"),
            (37035, "1299315428 2166383987 4182262851 2870773460"),
        ] {
            let expected: Vec<u32> = parse(expected);
            let mut engine = Mt19937::new(seed);
            let actual: Vec<u32> = expected.iter().map(|_| engine.next_u32()).collect();
            assert_eq!(actual, expected, "seed {seed}");
        }
    }

    #[test]
    fn f64_draws() {
        for (seed, unit, shifted) in [
            (
                0,
                "0.59284461651668263 0.84426574425659828 0.85794561998982988 0.84725173738433124 0.62356369649610832 0.38438170837375663 0.29753460535723419 0.056712975933163663 0.27265629474158931 0.47766511174464632",
                "2.4105577064585333 5.5533218032074778 5.7243202498728731 5.590646717304141 2.7945462062013542 -0.19522864532804185 -1.2808174330345725 -4.291087800835454 -1.5917963157301336 0.97081389680807906",
            ),
            (
                1,
                "0.99718480823026556 0.93255736136816547 0.128124447772306 0.99904051546527362 0.23608897629816922 0.39658072616260931 0.38791074026056105 0.66974604044704711 0.93553907270468017 0.84631091834484062",
                "7.4648101028783191 6.656967017102069 -3.3984444028461751 7.4880064433159195 -2.0488877962728846 -0.042740922967383632 -0.15111574674298645 3.3718255055880881 6.6942384088085021 5.5788864793105084",
            ),
            (
                42,
                "0.79654298428784598 0.18343478789336848 0.77969099761266125 0.59685016158005655 0.44583275754843343 0.099974920543840745 0.45924888785418205 0.33370861151865128 0.1428668144161615 0.65088847342600875",
                "4.956787303598075 -2.7070651513328938 4.7461374701582653 2.4606270197507065 0.57290946935541776 -3.7503134932019906 0.74061109817727555 -0.82864235601685898 -3.2141648197979813 3.1361059178251089",
            ),
            (
                12345,
                "0.89015471328273787 0.13070729405534817 0.039759496502559354 0.82643613177457831 0.53207791656435588 0.95630997456506472 0.46192630798661022 0.92373815520042024 0.37392117729152241 0.15497335573974294",
                "6.1269339160342238 -3.3661588243081479 -4.5030062937180082 5.3304516471822296 1.6509739570544486 6.9538746820633097 0.77407884983262765 6.5467269400052537 -0.32598528385597003 -3.0628330532532133",
            ),
        ] {
            assert_eq!(
                draws(seed, 0.0f64, 1.0, 10),
                parse::<f64>(unit),
                "seed {seed}"
            );
            assert_eq!(
                draws(seed, -5.0f64, 7.5, 10),
                parse::<f64>(shifted),
                "seed {seed}"
            );
        }
    }

    #[test]
    fn f32_draws() {
        for (seed, expected) in [
            (
                0,
                "0.548813522 0.592844605 0.715189338 0.844265759 0.602763355 0.857945621 0.544883192 0.847251713 0.423654795 0.623563707",
            ),
            (
                1,
                "0.41702199 0.997184813 0.720324516 0.932557344 0.00011438108 0.128124446 0.30233258 0.999040544 0.146755889 0.236088976",
            ),
            (
                42,
                "0.37454012 0.796543002 0.95071429 0.183434784 0.731993914 0.779690981 0.598658502 0.596850157 0.156018645 0.445832759",
            ),
            (
                12345,
                "0.929616094 0.890154719 0.316375554 0.130707294 0.183918819 0.0397594981 0.20456028 0.826436102 0.567725003 0.532077909",
            ),
        ] {
            assert_eq!(
                draws(seed, 0.0f32, 1.0, 10),
                parse::<f32>(expected),
                "seed {seed}"
            );
        }
    }

    #[test]
    fn f32_draw_that_rounds_up_to_one_is_corrected() {
        let mut engine = Mt19937::new(0);
        for _ in 0..6_541_537 {
            engine.next_u32();
        }
        assert_eq!(canonical_f32(&mut engine), 0.99999994f32);
    }

    #[test]
    fn int_draws() {
        for (seed, small, wide, bytes) in [
            (
                0,
                "55 59 72 85 60 86 55 85 42 62",
                "97627 185689 430379 688532 205527 715892 89766 694504 -152690 247128",
                "140 151 183 216 154 219 139 216 108 159",
            ),
            (
                1,
                "42 100 72 94 0 12 30 100 14 23",
                "-165956 994370 440649 865115 -999772 -743751 -395335 998082 -706489 -527822",
                "106 255 184 238 0 32 77 255 37 60",
            ),
            (
                42,
                "37 80 96 18 73 78 60 60 15 45",
                "-250920 593086 901429 -633131 463988 559382 197317 193700 -687963 -108335",
                "95 203 243 46 187 199 153 152 39 114",
            ),
            (
                12345,
                "93 89 31 13 18 4 20 83 57 53",
                "859233 780310 -367249 -738586 -632163 -920481 -590880 652873 135450 64156",
                "237 227 80 33 47 10 52 211 145 136",
            ),
        ] {
            assert_eq!(
                draws(seed, 0i64, 100, 10),
                parse::<i64>(small),
                "seed {seed}"
            );
            assert_eq!(
                draws(seed, -1_000_000i64, 1_000_000, 10),
                parse::<i64>(wide),
                "seed {seed}"
            );
            assert_eq!(draws(seed, 0u8, 255, 10), parse::<u8>(bytes), "seed {seed}");
        }
    }

    #[test]
    fn int_draws_with_rejection_and_upscaling() {
        assert_eq!(
            draws(42, 0i64, 3_000_000_000, 10),
            parse::<i64>(
                "1123620343 2389628953 2852142935 2195981815 1795975459 1790550484 468055915 1337498272 467983571 299924761"
            )
        );
        assert_eq!(
            draws(42, -(1i64 << 40), 1 << 40, 6),
            parse::<i64>(
                "-271456780877 992925291790 514449855559 221606784020 -753999406983 -755484855082"
            )
        );
        assert_eq!(
            draws(42, i64::MIN, i64::MAX, 4),
            parse::<i64>(
                "-2314326399425823309 8314211556539077902 4279532810384561223 1819927849474927636"
            )
        );
        assert_eq!(
            draws(42, -7i32, 7, 10),
            parse::<i32>("-2 4 7 -5 3 4 1 1 -5 -1")
        );
    }

    #[test]
    fn degenerate_ranges_consume_outputs() {
        let mut engine = Mt19937::new(42);
        assert_eq!(i64::uniform(&mut engine, 5, 5), 5);
        assert_eq!(i64::uniform(&mut engine, 5, 5), 5);
        assert_eq!(engine.next_u32(), 4_083_286_876);
        let mut engine = Mt19937::new(42);
        assert_eq!(f64::uniform(&mut engine, 2.5, 2.5), 2.5);
        assert_eq!(f64::uniform(&mut engine, 2.5, 2.5), 2.5);
        assert_eq!(engine.next_u32(), 3_143_890_026);
    }
}
