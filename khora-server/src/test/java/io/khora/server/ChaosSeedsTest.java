package io.khora.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChaosSeedsTest {
    @Test
    void explicitSeedsWinOverACountAndOneRunIsTheDefault() {
        assertThat(ChaosSeeds.parse("3, 5,8", "10").boxed()).containsExactly(3L, 5L, 8L);
        assertThat(ChaosSeeds.parse(null, "4").boxed()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(ChaosSeeds.parse(" ", null).boxed()).containsExactly(1L);
    }

    @Test
    void badValuesAreRefusedNamingThePropertyAndTheValue() {
        assertThatThrownBy(() -> ChaosSeeds.parse("1,x", null).toArray()).hasMessageContaining("chaos.seeds").hasMessageContaining("1,x");
        assertThatThrownBy(() -> ChaosSeeds.parse(null, "0")).hasMessageContaining("chaos.runs").hasMessageContaining("'0'");
    }
}
