package io.khora.cluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ByteSizesTest {
    @Test
    void sizesAreReadInBinaryUnitsAndBadOnesNamed() {
        assertThat(ByteSizes.parse("1048576", "x")).isEqualTo(1 << 20);
        assertThat(ByteSizes.parse(" 16MiB ", "x")).isEqualTo(16 << 20);
        assertThat(ByteSizes.parse("512kb", "x")).isEqualTo(512 << 10);
        assertThat(ByteSizes.parse("1G", "x")).isEqualTo(1 << 30);
        assertThat(ByteSizes.parse("100B", "x")).isEqualTo(100);
        assertThatThrownBy(() -> ByteSizes.parse("16 megs", "node.max-entry-size"))
                .hasMessage("node.max-entry-size: '16 megs' is not a size like 16MiB, 512KiB or 1048576 (bytes)");
        assertThatThrownBy(() -> ByteSizes.parse("-5", "x")).hasMessageContaining("is not a size");
        assertThatThrownBy(() -> ByteSizes.parse("MiB", "x")).hasMessageContaining("is not a size");
        assertThatThrownBy(() -> ByteSizes.parse("2GiB", "x")).hasMessageContaining("at most 2147483647 bytes");
    }

    @Test
    void sizesAreDescribedExactlyAndReadably() {
        assertThat(ByteSizes.describe(512)).isEqualTo("512 bytes");
        assertThat(ByteSizes.describe(73_400_320)).isEqualTo("73400320 bytes (70.0 MiB)");
    }
}
