package io.khora.internal.query;

import io.khora.QueryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.LocalDate;

import static io.khora.internal.query.Fixtures.products;
import static io.khora.internal.query.Fixtures.trades;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class BindingErrorTest {
    private static QueryException error(Executable compile) {
        QueryException e = catchThrowableOfType(compile::execute, QueryException.class);
        assertThat(e).as("expected a QueryException").isNotNull();
        return e;
    }

    private static void assertCaretAt(QueryException e, String text, int position) {
        assertThat(e.position()).isEqualTo(position);
        assertThat(e.query()).isEqualTo(text);
        assertThat(e.getMessage()).contains("\n  " + text + "\n").endsWith("\n  " + " ".repeat(position) + "^");
    }

    @Test
    void unknownPropertyNamesTheTypeAndListsTheKnownProperties() {
        String text = "symbol = 'A' AND pricee > 5";
        QueryException e = error(() -> trades(text));
        assertThat(e.getMessage()).startsWith("unknown property 'pricee' of type test.Trade (known properties: id, symbol, price, qty,");
        assertCaretAt(e, text, 17);
    }

    @Test
    void propertyNamesAreCaseSensitive() {
        QueryException e = error(() -> trades("Price > 5"));
        assertThat(e.getMessage()).startsWith("unknown property 'Price'");
    }

    @Test
    void unknownPropertyInOrderByFails() {
        String text = "ORDER BY pricee";
        assertCaretAt(error(() -> trades(text)), text, 9);
    }

    @Test
    void unknownNestedPropertyOfAConcreteClassFailsAtCompileTimeAtTheSegment() {
        String text = "address.cty = 'Paris'";
        QueryException e = error(() -> trades(text));
        assertThat(e.getMessage())
                .startsWith("unknown property 'cty' of io.khora.internal.query.Fixtures$Address in path 'address.cty'")
                .contains("known properties: city, previous, verified, zip");
        assertCaretAt(e, text, 8);
        QueryException inRecord = error(() -> trades("location.address.town = 'x'"));
        assertThat(inRecord.position()).isEqualTo(17);
        assertThat(inRecord.getMessage()).contains("known properties: city, previous, verified, zip");
    }

    @Test
    void nestedPathsThroughUntypedValuesAreNotCheckedAtCompileTime() {
        assertThatCode(() -> trades("attrs.anything.deeper = 1")).doesNotThrowAnyException();
        assertThatCode(() -> trades("extra.whatever = 'x'")).doesNotThrowAnyException();
        assertThatCode(() -> products("meta.x = 1 AND color.name = 'red'")).doesNotThrowAnyException();
    }

    @Test
    void undeclaredPropertiesOfDocumentTypesAreDynamicNotErrors() {
        assertThatCode(() -> products("color = 'red'")).doesNotThrowAnyException();
    }

    @Test
    void tooFewArgumentsIsAParameterCountMismatch() {
        QueryException e = error(() -> trades("price > ? AND qty < ?", 1.0));
        assertThat(e.getMessage()).startsWith("query has 2 parameters (?) but 1 argument was given in query:");
        assertThat(e.position()).isEqualTo(-1);
    }

    @Test
    void tooManyArgumentsIsAParameterCountMismatch() {
        assertThat(error(() -> trades("price > ?", 1.0, 2.0)).getMessage())
                .startsWith("query has 1 parameter (?) but 2 arguments were given");
        assertThat(error(() -> trades("price > 1", 1.0)).getMessage())
                .startsWith("query has 0 parameters (?) but 1 argument was given");
        assertThat(error(() -> CompiledQuery.compile("price > ?", null, Fixtures.TRADE)).getMessage())
                .startsWith("query has 1 parameter (?) but 0 arguments were given");
    }

    @Test
    void nullArgumentNamesTheParameterAndSuggestsIsNull() {
        String text = "symbol = ? AND price > ?";
        QueryException e = error(() -> trades(text, "A", null));
        assertThat(e.getMessage()).startsWith("parameter 2 (the 2nd '?') is null").contains("IS NULL");
        assertCaretAt(e, text, 23);
        assertThat(error(() -> trades("qty IN (1, ?)", (Object) null)).position()).isEqualTo(11);
    }

    @Test
    void numberPropertyComparedWithStringIsATypeMismatch() {
        String text = "price = 'abc'";
        QueryException e = error(() -> trades(text));
        assertThat(e.getMessage()).startsWith("cannot compare property 'price' of type Double with String value 'abc'");
        assertCaretAt(e, text, 8);
        assertThat(error(() -> trades("qty > ?", "5")).getMessage())
                .startsWith("cannot compare property 'qty' of type Integer with String value '5' (parameter 1)");
        assertThat(error(() -> trades("qty BETWEEN 1 AND 'x'")).position()).isEqualTo(18);
        assertThat(error(() -> trades("qty IN (1, TRUE)")).position()).isEqualTo(11);
    }

    @Test
    void stringPropertyComparedWithNumberIsATypeMismatch() {
        String text = "symbol = 5";
        QueryException e = error(() -> trades(text));
        assertThat(e.getMessage()).startsWith("cannot compare property 'symbol' of type String with Integer value 5");
        assertCaretAt(e, text, 9);
        assertThat(error(() -> trades("symbol = ?", 'A')).getMessage())
                .startsWith("cannot compare property 'symbol' of type String with Character value 'A'");
    }

    @Test
    void booleanCharacterAndOtherTypesRejectValuesOfOtherKinds() {
        assertThat(error(() -> trades("active = 1")).getMessage())
                .startsWith("cannot compare property 'active' of type Boolean with Integer value 1");
        assertThat(error(() -> trades("initial = 'ab'")).getMessage())
                .startsWith("cannot compare property 'initial' of type Character with String value 'ab'");
        assertThat(error(() -> trades("tradeDate > '2024-01-01'")).getMessage())
                .startsWith("cannot compare property 'tradeDate' of type LocalDate with String value '2024-01-01'");
        assertThat(error(() -> trades("address.city = 5")).getMessage())
                .startsWith("cannot compare property 'address.city' of type String with Integer value 5");
        assertThat(error(() -> trades("tradeDate = ?", LocalDate.of(2024, 1, 1).atStartOfDay())).getMessage())
                .startsWith("cannot compare property 'tradeDate' of type LocalDate with LocalDateTime value");
    }

    @Test
    void likeOnANumberIsATypeMismatch() {
        String text = "price LIKE '1%'";
        QueryException e = error(() -> trades(text));
        assertThat(e.getMessage()).startsWith("cannot apply LIKE to property 'price' of type Double; LIKE needs a String property");
        assertCaretAt(e, text, 0);
        assertThat(error(() -> trades("side NOT LIKE 'B%'")).getMessage()).contains("of type Side");
    }

    @Test
    void likePatternParameterMustBeAString() {
        String text = "symbol LIKE ?";
        QueryException e = error(() -> trades(text, 5));
        assertThat(e.getMessage()).startsWith("the pattern of LIKE must be a String but found Integer value 5 (parameter 1)");
        assertCaretAt(e, text, 12);
    }

    @Test
    void unknownEnumConstantListsTheConstants() {
        String text = "side = 'HOLD'";
        QueryException e = error(() -> trades(text));
        assertThat(e.getMessage()).startsWith("'HOLD' is not a constant of enum Side of property 'side' (constants: BUY, SELL)");
        assertCaretAt(e, text, 7);
        assertThat(error(() -> trades("side = 1")).getMessage())
                .startsWith("cannot compare property 'side' of type Side with Integer value 1");
    }

    @Test
    void untypedPropertiesAcceptAnyValue() {
        assertThatCode(() -> trades("extra = 'x' OR extra = 5 OR extra LIKE 'a%' OR extra = ?", LocalDate.of(2024, 1, 1)))
                .doesNotThrowAnyException();
    }

    @Test
    void syntaxErrorsComeBeforeParameterCountErrors() {
        assertThat(error(() -> trades("price > ? AND", 1.0)).getMessage()).startsWith("expected a condition");
    }
}
