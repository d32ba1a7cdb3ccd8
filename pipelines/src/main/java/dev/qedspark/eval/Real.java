package dev.qedspark.eval;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * A real number as answer checking needs it: an exact fraction while the operations allow
 * (integers, fractions, decimals, whole powers, factorials), else a 60-digit decimal ({@code pi},
 * roots, logarithms), else, for what only a double can do (trigonometry, real powers), a
 * double-precision value marked as such. Equality is exact between fractions, to 40 digits
 * between decimals, and to 1e-9 once a double took part (both relative to the larger value). Work is bounded: a result of
 * more than {@link #MAX_BITS} bits throws {@link TooLarge} instead of running for minutes.
 */
record Real(BigInteger num, BigInteger den, BigDecimal approx, boolean lowPrecision, int infinity) {
  static final MathContext MC = new MathContext(60, RoundingMode.HALF_EVEN);
  static final int MAX_BITS = 200_000;
  private static final BigDecimal PI_DIGITS = new BigDecimal("3.14159265358979323846264338327950288419716939937510582097494459230781640628620899863");
  private static final BigDecimal E_DIGITS = new BigDecimal("2.71828182845904523536028747135266249775724709369995957496696762772407663035354759457");
  static final Real PI = new Real(null, null, PI_DIGITS.round(MC), false, 0);
  static final Real E = new Real(null, null, E_DIGITS.round(MC), false, 0);
  static final Real INFINITY = new Real(null, null, null, false, 1);

  /** A number too large to work with (an exponent tower, a huge factorial). */
  static final class TooLarge extends ArithmeticException {
    TooLarge(String message) {
      super(message);
    }
  }

  static Real of(BigInteger num, BigInteger den) {
    if (den.signum() == 0) {
      throw new ArithmeticException("division by zero");
    }
    if (den.signum() < 0) {
      num = num.negate();
      den = den.negate();
    }
    BigInteger g = num.gcd(den);
    if (!g.equals(BigInteger.ONE) && g.signum() != 0) {
      num = num.divide(g);
      den = den.divide(g);
    }
    if (num.bitLength() > MAX_BITS || den.bitLength() > MAX_BITS) {
      throw new TooLarge("a number of more than " + MAX_BITS + " bits");
    }
    return new Real(num, den, null, false, 0);
  }

  static Real of(long n) {
    return of(BigInteger.valueOf(n), BigInteger.ONE);
  }

  /** A decimal literal, exactly: 0.125 is 1/8. */
  static Real parse(String literal) {
    BigDecimal d = new BigDecimal(literal);
    BigInteger unscaled = d.unscaledValue();
    return d.scale() <= 0 ? of(unscaled.multiply(BigInteger.TEN.pow(-d.scale())), BigInteger.ONE)
        : of(unscaled, BigInteger.TEN.pow(d.scale()));
  }

  private static Real approx(BigDecimal value, boolean low) {
    return new Real(null, null, value.round(MC), low, 0);
  }

  private static Real approx(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw new ArithmeticException("not a real number");
    }
    return approx(new BigDecimal(value), true);
  }

  boolean exact() {
    return num != null;
  }

  BigDecimal decimal() {
    if (infinity != 0) {
      throw new ArithmeticException("infinity in arithmetic");
    }
    return exact() ? new BigDecimal(num).divide(new BigDecimal(den), MC) : approx;
  }

  boolean isInteger() {
    return exact() && den.equals(BigInteger.ONE);
  }

  int signum() {
    return infinity != 0 ? infinity : exact() ? num.signum() : approx.signum();
  }

  Real negate() {
    if (infinity != 0) {
      return new Real(null, null, null, false, -infinity);
    }
    return exact() ? of(num.negate(), den) : approx(approx.negate(), lowPrecision);
  }

  Real add(Real o) {
    if (exact() && o.exact()) {
      return of(num.multiply(o.den).add(o.num.multiply(den)), den.multiply(o.den));
    }
    return approx(decimal().add(o.decimal()), lowPrecision || o.lowPrecision);
  }

  Real multiply(Real o) {
    if (exact() && o.exact()) {
      return of(num.multiply(o.num), den.multiply(o.den));
    }
    return approx(decimal().multiply(o.decimal()), lowPrecision || o.lowPrecision);
  }

  Real divide(Real o) {
    if (o.signum() == 0) {
      throw new ArithmeticException("division by zero");
    }
    if (exact() && o.exact()) {
      return of(num.multiply(o.den), den.multiply(o.num));
    }
    return approx(decimal().divide(o.decimal(), MC), lowPrecision || o.lowPrecision);
  }

  Real pow(Real exponent) {
    if (infinity != 0 || exponent.infinity != 0) {
      throw new ArithmeticException("a power of infinity");
    }
    if (exponent.isInteger()) {
      BigInteger e = exponent.num;
      if (exact()) {
        if (num.signum() == 0) {
          if (e.signum() < 0) {
            throw new ArithmeticException("division by zero");
          }
          return e.signum() == 0 ? of(1) : this;
        }
        long bits = (long) Math.max(num.bitLength(), den.bitLength()) * e.abs().min(BigInteger.valueOf(MAX_BITS + 1L)).longValue();
        if ((num.abs().equals(BigInteger.ONE) && den.equals(BigInteger.ONE))) {
          return e.testBit(0) ? this : of(1);
        }
        if (bits > MAX_BITS) {
          throw new TooLarge("a power of more than " + MAX_BITS + " bits");
        }
        int n = e.intValueExact();
        Real p = of(num.pow(Math.abs(n)), den.pow(Math.abs(n)));
        return n >= 0 ? p : of(1).divide(p);
      }
      if (e.abs().compareTo(BigInteger.valueOf(10_000)) > 0) {
        throw new TooLarge("a power with exponent " + e);
      }
      return approx(approx.pow(e.intValueExact(), MC), lowPrecision);
    }
    if (exponent.exact() && exponent.den.compareTo(BigInteger.valueOf(12)) <= 0 && signum() > 0
        && exponent.num.abs().compareTo(BigInteger.valueOf(10_000)) <= 0) {
      return root(exponent.den.intValue()).pow(of(exponent.num, BigInteger.ONE));
    }
    double result = Math.pow(decimal().doubleValue(), exponent.decimal().doubleValue());
    return approx(result);
  }

  /** The positive n-th root (n up to 12) of a positive number, to 60 digits. */
  Real root(int n) {
    if (signum() < 0 && n % 2 == 0) {
      throw new ArithmeticException("an even root of a negative number");
    }
    if (signum() == 0) {
      return of(0);
    }
    if (signum() < 0) {
      return negate().root(n).negate();
    }
    if (exact()) {
      BigInteger[] rootNum = num.sqrtAndRemainder();
      BigInteger[] rootDen = den.sqrtAndRemainder();
      if (n == 2 && rootNum[1].signum() == 0 && rootDen[1].signum() == 0) {
        return of(rootNum[0], rootDen[0]);
      }
    }
    BigDecimal x = decimal();
    if (n == 2) {
      return approx(x.sqrt(MC), lowPrecision);
    }
    BigDecimal guess = new BigDecimal(Math.pow(x.doubleValue(), 1.0 / n));
    if (guess.signum() <= 0 || Double.isInfinite(x.doubleValue())) {
      return approx(Math.pow(x.doubleValue(), 1.0 / n));
    }
    BigDecimal bn = BigDecimal.valueOf(n);
    for (int i = 0; i < 200; i++) {
      BigDecimal next = guess.multiply(bn.subtract(BigDecimal.ONE)).add(x.divide(guess.pow(n - 1, MC), MC)).divide(bn, MC);
      if (next.subtract(guess).abs().compareTo(next.abs().movePointLeft(55)) <= 0) {
        guess = next;
        break;
      }
      guess = next;
    }
    Real r = approx(guess, lowPrecision);
    if (exact()) {
      BigInteger rounded = guess.setScale(0, RoundingMode.HALF_EVEN).toBigInteger();
      if (den.equals(BigInteger.ONE) && rounded.pow(n).equals(num)) {
        return of(rounded, BigInteger.ONE);
      }
    }
    return r;
  }

  Real factorial() {
    if (!isInteger() || num.signum() < 0) {
      throw new ArithmeticException("factorial of a non-natural number");
    }
    if (num.compareTo(BigInteger.valueOf(5_000)) > 0) {
      throw new TooLarge("the factorial of " + num);
    }
    BigInteger f = BigInteger.ONE;
    for (int i = 2; i <= num.intValue(); i++) {
      f = f.multiply(BigInteger.valueOf(i));
    }
    return of(f, BigInteger.ONE);
  }

  Real doubleFactorial() {
    if (!isInteger() || num.signum() < 0) {
      throw new ArithmeticException("double factorial of a non-natural number");
    }
    if (num.compareTo(BigInteger.valueOf(10_000)) > 0) {
      throw new TooLarge("the double factorial of " + num);
    }
    BigInteger f = BigInteger.ONE;
    for (int i = num.intValue(); i > 1; i -= 2) {
      f = f.multiply(BigInteger.valueOf(i));
    }
    return of(f, BigInteger.ONE);
  }

  Real floor() {
    if (exact()) {
      BigInteger[] qr = num.divideAndRemainder(den);
      BigInteger q = qr[0];
      if (qr[1].signum() < 0) {
        q = q.subtract(BigInteger.ONE);
      }
      return of(q, BigInteger.ONE);
    }
    if (infinity != 0) {
      throw new ArithmeticException("the floor of infinity");
    }
    BigInteger below = approx.setScale(0, RoundingMode.FLOOR).toBigInteger();
    // Within the precision of an integer, the floor is unknown: (2+\sqrt3)^{100} is just below one.
    BigDecimal nearest = approx.setScale(0, RoundingMode.HALF_EVEN);
    BigDecimal precision = approx.abs().max(BigDecimal.ONE).multiply(lowPrecision ? new BigDecimal("1e-9") : new BigDecimal("1e-40"));
    if (approx.subtract(nearest).abs().compareTo(precision) <= 0) {
      throw new ArithmeticException("too close to an integer for its floor to be known at this precision");
    }
    return of(below, BigInteger.ONE);
  }

  /**
   * The logarithm of {@code this} to base {@code base} exactly when both are exact and it is a
   * whole number ({@code \\log_2 8} is 3), else null.
   */
  Real exactLog(Real base) {
    if (!exact() || !base.exact() || signum() <= 0 || base.signum() <= 0 || base.sameAs(of(1))) {
      return null;
    }
    for (int k = -64; k <= 64; k++) {
      try {
        if (base.pow(of(k)).sameAs(this)) {
          return of(k);
        }
      } catch (ArithmeticException e) {
        return null;
      }
    }
    return null;
  }

  Real abs() {
    return signum() < 0 ? negate() : this;
  }

  /** A function only a double computes here: the result is marked low-precision. */
  Real apply(java.util.function.DoubleUnaryOperator f) {
    return approx(f.applyAsDouble(decimal().doubleValue()));
  }

  /** Whether the decimal values are the same to all 60 digits (a double's error shows in the last ones). */
  boolean sameAsExactly(Real o) {
    return infinity == o.infinity && (infinity != 0 || decimal().compareTo(o.decimal()) == 0);
  }

  /** Whether two numbers are equal: exactly for fractions, else to the precision both carry. */
  boolean sameAs(Real o) {
    if (infinity != 0 || o.infinity != 0) {
      return infinity == o.infinity;
    }
    if (exact() && o.exact()) {
      return num.equals(o.num) && den.equals(o.den);
    }
    BigDecimal a = decimal();
    BigDecimal b = o.decimal();
    // Relative to the larger magnitude, so that tiny values are not taken for 0.
    BigDecimal scale = a.abs().max(b.abs());
    if (scale.signum() == 0) {
      return true;
    }
    BigDecimal tolerance = (lowPrecision || o.lowPrecision) ? new BigDecimal("1e-9") : new BigDecimal("1e-40");
    return a.subtract(b).abs().compareTo(scale.multiply(tolerance)) <= 0;
  }
}
