package io.khora.internal.query;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValuesTest {
    enum Color { RED, GREEN }

    enum Other { A }

    @Test
    void numbersOfDifferentClassesCompareByValue() {
        assertThat(Values.compare(5, 5L)).isZero();
        assertThat(Values.compare(5, 5.0)).isZero();
        assertThat(Values.compare((short) 5, (byte) 6)).isNegative();
        assertThat(Values.compare(5.5f, 5)).isPositive();
        assertThat(Values.compare(new BigDecimal("5.00"), 5)).isZero();
        assertThat(Values.compare(BigInteger.TEN, 10.0)).isZero();
        assertThat(Values.compare(new BigDecimal("0.1"), 0.1)).isNegative(); // the double 0.1 is slightly above 0.1
        assertThat(Values.compare(BigInteger.TWO.pow(70), Long.MAX_VALUE)).isPositive();
        assertThat(Values.compare(Long.MIN_VALUE, BigInteger.TWO.pow(70).negate())).isPositive();
    }

    @Test
    void longVersusDoubleIsExactBeyondTwoToThe53() {
        long big = (1L << 53) + 1;
        assertThat(Values.compare(big, (double) (1L << 53))).isPositive();
        assertThat(Values.compare(Long.MAX_VALUE, 0x1p63)).isNegative();
        assertThat(Values.compare(Long.MIN_VALUE, -0x1p63)).isZero();
        assertThat(Values.compare(3L, 3.5)).isNegative();
        assertThat(Values.compare(-3L, -3.5)).isPositive();
        assertThat(Values.equal(big, (double) big)).isFalse();
    }

    @Test
    void floatingPointFollowsDoubleCompareForNanAndNegativeZero() {
        assertThat(Values.compare(Double.NaN, Double.NaN)).isZero();
        assertThat(Values.compare(Double.NaN, Double.POSITIVE_INFINITY)).isPositive();
        assertThat(Values.compare(Long.MAX_VALUE, Double.NaN)).isNegative();
        assertThat(Values.compare(-0.0, 0.0)).isNegative();
        assertThat(Values.compare(0, -0.0)).isPositive();
        assertThat(Values.compare(0, 0.0)).isZero();
        assertThat(Values.compare(BigDecimal.ZERO, -0.0)).isPositive();
        assertThat(Values.compare(new BigDecimal("1e400"), Double.POSITIVE_INFINITY)).isNegative();
    }

    @Test
    void equalIsNumericallyAwareAndNullSafe() {
        assertThat(Values.equal(2, 2L)).isTrue();
        assertThat(Values.equal(new BigDecimal("2.0"), new BigDecimal("2.00"))).isTrue();
        assertThat(Values.equal(2, 2.5)).isFalse();
        assertThat(Values.equal("a", "a")).isTrue();
        assertThat(Values.equal("1", 1)).isFalse();
        assertThat(Values.equal(null, null)).isTrue();
        assertThat(Values.equal(null, 1)).isFalse();
        assertThat(Values.equal(List.of(1), new ArrayList<>(List.of(1)))).isTrue();
        assertThat(Values.equal(List.of(1), List.of(2))).isFalse();
        assertThat(Values.equal(List.of("a"), "a")).isFalse();
    }

    @Test
    void comparablesCompareWithinTheirFamily() {
        assertThat(Values.compare("a", "b")).isNegative();
        assertThat(Values.compare(Color.GREEN, Color.RED)).isPositive();
        assertThat(Values.compare(LocalDate.of(2020, 1, 1), LocalDate.of(2021, 1, 1))).isNegative();
        assertThat(Values.compare(false, true)).isNegative();
        assertThat(Values.compare('a', 'b')).isNegative();
        java.util.Date date = new java.util.Date(1000);
        java.sql.Timestamp later = new java.sql.Timestamp(2000);
        assertThat(Values.compare(date, later)).isNegative();
    }

    @Test
    void incomparableKindsThrowClassCastException() {
        assertThatThrownBy(() -> Values.compare("1", 1)).isInstanceOf(ClassCastException.class)
                .hasMessageContaining("java.lang.String").hasMessageContaining("java.lang.Integer");
        assertThatThrownBy(() -> Values.compare(Color.RED, Other.A)).isInstanceOf(ClassCastException.class);
        assertThatThrownBy(() -> Values.compare(List.of(), List.of())).isInstanceOf(ClassCastException.class);
        assertThatThrownBy(() -> Values.compare(true, "true")).isInstanceOf(ClassCastException.class);
    }

    @Test
    void orderPutsNullsLastAndIsTotalAcrossKinds() {
        List<Object> values = new ArrayList<>(Arrays.asList("b", null, 3, 2.5, Color.RED, "a", 10L, null, true,
                new BigDecimal("2.50"), List.of()));
        values.sort(Values.ORDER);
        assertThat(values.subList(0, 5)).containsExactly(2.5, new BigDecimal("2.50"), 3, 10L, Color.RED);
        assertThat(values.subList(9, 11)).containsExactly(null, null);
        assertThat(values.indexOf("a")).isLessThan(values.indexOf("b"));
        assertThat(Values.ORDER.compare("a", 1)).isPositive();
        assertThat(Values.ORDER.compare(1, "a")).isNegative();
        assertThat(Values.ORDER.compare(null, null)).isZero();
    }

    @Test
    void orderAgreesWithEqualsForOnePropertyType() {
        assertThat(Values.ORDER.compare(1.0, 1.0)).isZero();
        assertThat(Values.ORDER.compare(-0.0, 0.0)).isNotZero();
        assertThat(Values.ORDER.compare(Double.NaN, Double.NaN)).isZero();
        assertThat(Values.ORDER.compare(7L, 7L)).isZero();
        assertThat(Values.ORDER.compare("x", "y")).isNegative();
    }
}
