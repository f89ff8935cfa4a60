package io.khora.server;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KnownFlagsTest {
    private static final List<String> KNOWN = List.of("fsync", "data", "operation-timeout", "id");

    @Test
    void aTranspositionOrOneLetterOffIsSuggested() {
        assertThat(KnownFlags.nearest("fsycn", KNOWN)).isEqualTo("fsync");
        assertThat(KnownFlags.nearest("dat", KNOWN)).isEqualTo("data");
        assertThat(KnownFlags.nearest("operation-timout", KNOWN)).isEqualTo("operation-timeout");
    }

    @Test
    void aNameFarFromEveryKnownOneGetsNoSuggestion() {
        assertThat(KnownFlags.nearest("colour", KNOWN)).isNull();
        assertThat(KnownFlags.nearest("ix", KNOWN)).isNull(); // two edits on a two-letter name is a guess, not a typo
    }

    @Test
    void distanceCountsInsertionsDeletionsSubstitutionsAndTranspositions() {
        assertThat(KnownFlags.distance("abc", "abc")).isZero();
        assertThat(KnownFlags.distance("abc", "acb")).isEqualTo(1);
        assertThat(KnownFlags.distance("abc", "ab")).isEqualTo(1);
        assertThat(KnownFlags.distance("", "abc")).isEqualTo(3);
        assertThat(KnownFlags.distance("kitten", "sitting")).isEqualTo(3);
    }

    @Test
    void knownFlagsPassAndTheFirstUnknownOneIsNamedWithItsCommand() {
        KnownFlags.require(Map.of("fsync", "always", "id", "n1"), KNOWN, "node");
        assertThatThrownBy(() -> KnownFlags.require(Map.of("fsync", "always", "fsycn", "x"), KNOWN, "node"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown flag --fsycn for node; did you mean --fsync? (known: fsync, data, operation-timeout, id)");
    }
}
