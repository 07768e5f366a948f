/// `j·16^i·G` for every window i in 0…95 and digit j in 1…15, as affine Montgomery coordinates, 12 limbs per entry.
enum P384Table {
    static let windows = 96
    static let entries = 15
    static let limbsPerEntry = 12

    static let table: [UInt64] = {
        // every multiple in projective form first, then all made affine with one inversion (Montgomery's trick:
        // 3 multiplications per point instead of an inversion each, which made the table take ~5 s in debug builds)
        var points: [(x: U384, y: U384, z: U384)] = []
        points.reserveCapacity(windows * entries)
        var base = (x: P384Curve.gx, y: P384Curve.gy, z: P384Field.one)
        for _ in 0..<windows {
            var multiple = base
            for _ in 0..<entries {
                points.append(multiple)
                multiple = P384Curve.add(multiple.x, multiple.y, multiple.z, base.x, base.y, base.z)
            }
            base = multiple  // 16 · base
        }
        // prefix[i] = z0 · … · z(i−1)
        var prefix = [P384Field.one]
        prefix.reserveCapacity(points.count + 1)
        for point in points { prefix.append(P384Field.mul(prefix[prefix.count - 1], point.z)) }
        var inverse = P384Field.inverse(prefix[points.count])  // (z0 · … · z(n−1))⁻¹
        var table = [UInt64](repeating: 0, count: points.count * limbsPerEntry)
        for index in points.indices.reversed() {
            let zInverse = P384Field.mul(inverse, prefix[index])
            inverse = P384Field.mul(inverse, points[index].z)
            let x = P384Field.mul(points[index].x, zInverse).limbs
            let y = P384Field.mul(points[index].y, zInverse).limbs
            table.replaceSubrange(index * limbsPerEntry..<(index + 1) * limbsPerEntry, with: x + y)
        }
        return table
    }()

    /// The affine x-coordinate of k·G, in canonical form (not Montgomery), for k given big-endian (1 ≤ k < n).
    static func multiplyGenerator(nonce: [UInt8]) -> U384 {
        var (x, y, z) = (U384.zero, P384Field.one, U384.zero)  // the identity (0:1:0)
        table.withUnsafeBufferPointer { table in
            for window in 0..<windows {
                let byte = UInt64(nonce[47 - window / 2])
                let digit = window % 2 == 0 ? byte & 0xF : byte >> 4
                var entryX = U384.zero
                var entryY = U384.zero
                for candidate in 0..<entries {
                    // all ones when digit == candidate + 1, else zero; no branch on the digit
                    let mask = 0 &- (((digit ^ UInt64(candidate + 1)) &- 1) >> 63)
                    let e = table.baseAddress! + (window * entries + candidate) * limbsPerEntry
                    entryX.l0 |= e[0] & mask
                    entryX.l1 |= e[1] & mask
                    entryX.l2 |= e[2] & mask
                    entryX.l3 |= e[3] & mask
                    entryX.l4 |= e[4] & mask
                    entryX.l5 |= e[5] & mask
                    entryY.l0 |= e[6] & mask
                    entryY.l1 |= e[7] & mask
                    entryY.l2 |= e[8] & mask
                    entryY.l3 |= e[9] & mask
                    entryY.l4 |= e[10] & mask
                    entryY.l5 |= e[11] & mask
                }
                let sum = P384Curve.addAffine(x, y, z, entryX, entryY)
                // digit 0 adds nothing: keep the accumulator
                let keep = 0 &- ((digit &- 1) >> 63)
                x = U384.select(keep, x, sum.x)
                y = U384.select(keep, y, sum.y)
                z = U384.select(keep, z, sum.z)
            }
        }
        let zInverse = P384Field.inverse(z)
        return P384Field.mul(P384Field.mul(x, zInverse), .unit)
    }
}

extension P384Field {
    /// a⁻¹ = a^(p−2) in Montgomery form (zero stays zero).
    static func inverse(_ a: U384) -> U384 { U384.power(a, exponent: modulus.minusTwo, one: one, mul: mul) }
}

extension P384Scalar {
    /// a⁻¹ = a^(n−2) in Montgomery form.
    static func inverse(_ a: U384) -> U384 { U384.power(a, exponent: modulus.minusTwo, one: one, mul: mul) }
}

/// A 384-bit number as six 64-bit limbs, least significant first.
struct U384: Equatable, Sendable {
    var l0, l1, l2, l3, l4, l5: UInt64

    @inline(__always)
    init(_ l0: UInt64, _ l1: UInt64, _ l2: UInt64, _ l3: UInt64, _ l4: UInt64, _ l5: UInt64) {
        (self.l0, self.l1, self.l2, self.l3, self.l4, self.l5) = (l0, l1, l2, l3, l4, l5)
    }

    init(_ limbs: ArraySlice<UInt64>) {
        let base = limbs.startIndex
        self.init(limbs[base], limbs[base + 1], limbs[base + 2], limbs[base + 3], limbs[base + 4], limbs[base + 5])
    }

    /// From 48 big-endian bytes.
    init(bigEndian bytes: [UInt8]) {
        precondition(bytes.count == 48)
        func limb(_ index: Int) -> UInt64 {
            var value: UInt64 = 0
            for byte in bytes[(40 - 8 * index)..<(48 - 8 * index)] { value = value << 8 | UInt64(byte) }
            return value
        }
        self.init(limb(0), limb(1), limb(2), limb(3), limb(4), limb(5))
    }

    static let zero = U384(0, 0, 0, 0, 0, 0)
    /// 1, the factor that leaves Montgomery form.
    static let unit = U384(1, 0, 0, 0, 0, 0)

    var limbs: [UInt64] { [l0, l1, l2, l3, l4, l5] }
    var isZero: Bool { (l0 | l1 | l2 | l3 | l4 | l5) == 0 }

    var bigEndianBytes: [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(48)
        for limb in limbs.reversed() {
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: limb >> UInt64(shift))) }
        }
        return bytes
    }

    /// self − 2 (self is an odd modulus, so no borrow leaves the lowest limb).
    var minusTwo: U384 { U384(l0 - 2, l1, l2, l3, l4, l5) }

    /// (high, low) of acc + a·b + carry; never overflows 128 bits.
    @inline(__always)
    static func mac(_ acc: UInt64, _ a: UInt64, _ b: UInt64, _ carry: UInt64) -> (UInt64, UInt64) {
        // UInt128 lets LLVM emit one mul and an add/adc chain: Montgomery multiplication ran ~1.6× faster than with
        // multipliedFullWidth and overflow flags (70 vs 112 ns). UInt128 needs macOS 15; Linux always has it.
        if #available(macOS 15, *) {
            let wide = UInt128(a) &* UInt128(b) &+ UInt128(acc) &+ UInt128(carry)
            return (UInt64(truncatingIfNeeded: wide >> 64), UInt64(truncatingIfNeeded: wide))
        }
        return macPortable(acc, a, b, carry)
    }

    /// ``mac(_:_:_:_:)`` without UInt128.
    @inline(__always)
    static func macPortable(_ acc: UInt64, _ a: UInt64, _ b: UInt64, _ carry: UInt64) -> (UInt64, UInt64) {
        let (high, low) = a.multipliedFullWidth(by: b)
        let (low1, carry1) = addCarry(low, acc)
        let (low2, carry2) = addCarry(low1, carry)
        return (high &+ carry1 &+ carry2, low2)
    }

    // Carries and borrows are computed with arithmetic on the top bits (Hacker's Delight §2-13), not from
    // `addingReportingOverflow`'s Bool: LLVM turned `overflow ? 1 : 0` into branches on the carry, that is on secret
    // data.

    /// (sum, carry) of a + b.
    @inline(__always)
    static func addCarry(_ a: UInt64, _ b: UInt64) -> (UInt64, UInt64) {
        let sum = a &+ b
        return (sum, ((a & b) | ((a | b) & ~sum)) >> 63)
    }

    /// (sum, carry) of a + b + carry (carry 0 or 1).
    @inline(__always)
    static func addCarry(_ a: UInt64, _ b: UInt64, _ carry: UInt64) -> (UInt64, UInt64) {
        let (partial, carry1) = addCarry(a, b)
        let (sum, carry2) = addCarry(partial, carry)
        return (sum, carry1 | carry2)
    }

    /// (difference, borrow) of a − b − borrow (borrow 0 or 1).
    @inline(__always)
    static func subBorrow(_ a: UInt64, _ b: UInt64, _ borrow: UInt64) -> (UInt64, UInt64) {
        let partial = a &- b
        let borrow1 = ((~a & b) | ((~a | b) & partial)) >> 63
        let difference = partial &- borrow
        let borrow2 = ((~partial & borrow) | ((~partial | borrow) & difference)) >> 63
        return (difference, borrow1 | borrow2)
    }

    @inline(__always)
    static func add(_ a: U384, _ b: U384) -> (sum: U384, carry: UInt64) {
        var c: UInt64 = 0
        var r = U384.zero
        (r.l0, c) = addCarry(a.l0, b.l0, c)
        (r.l1, c) = addCarry(a.l1, b.l1, c)
        (r.l2, c) = addCarry(a.l2, b.l2, c)
        (r.l3, c) = addCarry(a.l3, b.l3, c)
        (r.l4, c) = addCarry(a.l4, b.l4, c)
        (r.l5, c) = addCarry(a.l5, b.l5, c)
        return (r, c)
    }

    @inline(__always)
    static func sub(_ a: U384, _ b: U384) -> (difference: U384, borrow: UInt64) {
        var c: UInt64 = 0
        var r = U384.zero
        (r.l0, c) = subBorrow(a.l0, b.l0, c)
        (r.l1, c) = subBorrow(a.l1, b.l1, c)
        (r.l2, c) = subBorrow(a.l2, b.l2, c)
        (r.l3, c) = subBorrow(a.l3, b.l3, c)
        (r.l4, c) = subBorrow(a.l4, b.l4, c)
        (r.l5, c) = subBorrow(a.l5, b.l5, c)
        return (r, c)
    }

    @inline(__always)
    static func mask(_ a: U384, _ mask: UInt64) -> U384 {
        U384(a.l0 & mask, a.l1 & mask, a.l2 & mask, a.l3 & mask, a.l4 & mask, a.l5 & mask)
    }

    /// `a` where `mask` is all ones, `b` where it is zero.
    @inline(__always)
    static func select(_ mask: UInt64, _ a: U384, _ b: U384) -> U384 {
        U384(
            (a.l0 & mask) | (b.l0 & ~mask), (a.l1 & mask) | (b.l1 & ~mask), (a.l2 & mask) | (b.l2 & ~mask),
            (a.l3 & mask) | (b.l3 & ~mask), (a.l4 & mask) | (b.l4 & ~mask), (a.l5 & mask) | (b.l5 & ~mask))
    }

    /// x mod N for x = carry·2^384 + value < 2N, without a branch on the value.
    @inline(__always)
    static func reduceOnce(_ value: U384, carry: UInt64, modulus: U384) -> U384 {
        let (reduced, borrow) = sub(value, modulus)
        let useReduced = carry | (borrow ^ 1)
        return select(0 &- useReduced, reduced, value)
    }

    /// base^exponent with 4-bit fixed windows; the exponent is public (p − 2 or n − 2), the base may be secret.
    static func power(_ base: U384, exponent: U384, one: U384, mul: (U384, U384) -> U384) -> U384 {
        var powers = [one, base]
        for _ in 2..<16 { powers.append(mul(powers[powers.count - 1], base)) }
        var result = one
        for limb in exponent.limbs.reversed() {
            for shift in stride(from: 60, through: 0, by: -4) {
                result = mul(result, result)
                result = mul(result, result)
                result = mul(result, result)
                result = mul(result, result)
                let digit = Int((limb >> UInt64(shift)) & 0xF)
                if digit != 0 { result = mul(result, powers[digit]) }
            }
        }
        return result
    }
}
