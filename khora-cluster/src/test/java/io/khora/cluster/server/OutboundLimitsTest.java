package io.khora.cluster.server;

import io.khora.internal.logging.RateLimitedLog;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Answers that pile up stop the reading of requests (above the high water mark) until they drain below
 * the low one; a connection with more waiting than max-write-buffer is closed before the next answer.
 */
class OutboundLimitsTest {
    private final List<String> logged = new ArrayList<>();

    private EmbeddedChannel channel(OutboundLimits limits) throws Exception {
        EmbeddedChannel ch = PeerChannel.from("10.0.0.5", 999, limits);
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1000, 4000));
        return ch;
    }

    @Test
    void readingStopsWhileAnswersWaitAboveTheHighMarkAndResumesBelowTheLowOne() throws Exception {
        OutboundLimits limits = new OutboundLimits(4000, 1 << 20, new RateLimitedLog(logged::add, Duration.ofSeconds(10), System::nanoTime));
        EmbeddedChannel ch = channel(limits);
        ch.write(io.netty.buffer.Unpooled.wrappedBuffer(new byte[3000]));
        assertThat(ch.config().isAutoRead()).isTrue();
        ch.write(io.netty.buffer.Unpooled.wrappedBuffer(new byte[3000]));
        assertThat(ch.isWritable()).isFalse();
        assertThat(ch.config().isAutoRead()).as("no more requests read").isFalse();
        assertThat(logged).singleElement().asString()
                .containsPattern("stopped reading requests from /10.0.0.5:999: 6\\d\\d\\d bytes .* of answers wait to be sent")
                .contains("write-buffer-high of 4000 bytes");
        ch.flush();
        assertThat(ch.isWritable()).isTrue();
        assertThat(ch.config().isAutoRead()).isTrue();
        ch.releaseOutbound();
    }

    @Test
    void aConnectionWithMoreWaitingThanTheMaximumIsClosedBeforeTheNextAnswer() throws Exception {
        OutboundLimits limits = new OutboundLimits(4000, 10_000, new RateLimitedLog(logged::add, Duration.ofSeconds(10), System::nanoTime));
        EmbeddedChannel ch = channel(limits);
        assertThat(limits.admit(ch)).isTrue();
        ch.write(io.netty.buffer.Unpooled.wrappedBuffer(new byte[50_000])); // one large answer is let through whole
        assertThat(ch.isOpen()).isTrue();
        assertThat(limits.admit(ch)).as("the next answer").isFalse();
        assertThat(ch.isOpen()).isFalse();
        assertThat(logged).last().asString().containsPattern("closed the connection from /10.0.0.5:999: 50\\d\\d\\d bytes")
                .contains("over its max-write-buffer of 10000 bytes");
    }
}
