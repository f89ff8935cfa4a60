package io.khora.internal.outbox;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Reads records one after another from a segment file through a buffer, validating each one,
 * never past a limit the caller gives (the end of the file for recovery, the committed end for
 * readers). Used by {@link SegmentRecovery} and {@link SegmentReader}. Not thread-safe.
 */
final class RecordScanner {
    /** The outcome of {@link #next}. */
    enum Status {
        /** A valid record; see {@link #sequence()} and {@link #payload()}. */
        RECORD,
        /** The position is at the limit: nothing more to read. */
        END,
        /** Fewer bytes than a record header remain before the limit. */
        TORN_HEADER,
        /** The length field is negative or larger than any record may be. */
        BAD_LENGTH,
        /** The length field runs past the limit. */
        TORN_PAYLOAD,
        /** The checksum does not match. */
        BAD_CHECKSUM;

        String describe() {
            return switch (this) {
                case TORN_HEADER -> "an incomplete record header";
                case BAD_LENGTH -> "an impossible record length";
                case TORN_PAYLOAD -> "a record whose length runs past the end";
                case BAD_CHECKSUM -> "a record whose checksum does not match";
                default -> name();
            };
        }
    }

    private final FileChannel channel;
    private final byte[] buf;
    private final ByteBuffer bufView;
    private final CRC32C crc = new CRC32C();
    private final byte[] scratch = new byte[12];
    private long bufStart; // file offset of buf[0]
    private int bufLen;
    private long position;

    private long sequence;
    private int length;
    private byte[] payload;

    RecordScanner(FileChannel channel, long position, int bufferBytes) {
        this.channel = channel;
        this.buf = new byte[Math.max(bufferBytes, RecordFormat.RECORD_HEADER_BYTES)];
        this.bufView = ByteBuffer.wrap(buf);
        this.position = position;
    }

    /** The file offset of the next record (after a failed {@link #next}, of the bad one). */
    long position() {
        return position;
    }

    long sequence() {
        return sequence;
    }

    int length() {
        return length;
    }

    /** The payload of the last record, or null if it was skipped. */
    byte[] payload() {
        return payload;
    }

    /**
     * Reads the record at {@link #position()}, which must end at or before {@code limit}. A record
     * whose sequence is below {@code skipBelow} is stepped over without reading or checking its
     * payload ({@link #payload()} is then null); other records are checked and, if
     * {@code copyPayload}, copied. On anything but {@link Status#RECORD} the position stays put.
     */
    Status next(long limit, long skipBelow, boolean copyPayload) throws IOException {
        long available = limit - position;
        if (available <= 0) {
            return Status.END;
        }
        if (available < RecordFormat.RECORD_HEADER_BYTES) {
            return Status.TORN_HEADER;
        }
        int off = fill(position, RecordFormat.RECORD_HEADER_BYTES, limit);
        int len = RecordFormat.length(buf, off);
        int storedCrc = RecordFormat.crc(buf, off);
        long seq = RecordFormat.sequence(buf, off);
        if (len < 0 || len > RecordFormat.MAX_PAYLOAD_BYTES) {
            return Status.BAD_LENGTH;
        }
        if (len > available - RecordFormat.RECORD_HEADER_BYTES) {
            return Status.TORN_PAYLOAD;
        }
        long payloadStart = position + RecordFormat.RECORD_HEADER_BYTES;
        if (seq < skipBelow) {
            sequence = seq;
            length = len;
            payload = null;
            position = payloadStart + len;
            return Status.RECORD;
        }
        byte[] out = copyPayload ? new byte[len] : null;
        RecordFormat.startChecksum(crc, scratch, len, seq);
        if (out != null && len > buf.length) {
            // a big payload: what is buffered, then straight from the file into the array
            int copied = 0;
            if (payloadStart < bufStart + bufLen) {
                copied = (int) (bufStart + bufLen - payloadStart);
                System.arraycopy(buf, (int) (payloadStart - bufStart), out, 0, copied);
            }
            ByteBuffer dst = ByteBuffer.wrap(out, copied, len - copied);
            while (dst.hasRemaining()) {
                if (channel.read(dst, payloadStart + dst.position()) < 0) {
                    throw new EOFException("unexpected end of file at offset " + (payloadStart + dst.position()));
                }
            }
            crc.update(out, 0, len);
        } else {
            long p = payloadStart;
            int done = 0;
            while (done < len) {
                int n = Math.min(len - done, buf.length);
                int at = fill(p, n, limit);
                crc.update(buf, at, n);
                if (out != null) {
                    System.arraycopy(buf, at, out, done, n);
                }
                p += n;
                done += n;
            }
        }
        if ((int) crc.getValue() != storedCrc) {
            return Status.BAD_CHECKSUM;
        }
        sequence = seq;
        length = len;
        payload = out;
        position = payloadStart + len;
        return Status.RECORD;
    }

    /**
     * Makes {@code n} bytes at file offset {@code at} available in {@code buf} (reading ahead as
     * far as {@code limit} allows) and returns their index in it.
     */
    private int fill(long at, int n, long limit) throws IOException {
        if (at >= bufStart && at + n <= bufStart + bufLen) {
            return (int) (at - bufStart);
        }
        int keep = 0;
        if (at >= bufStart && at < bufStart + bufLen) { // keep the part we already have
            keep = (int) (bufStart + bufLen - at);
            System.arraycopy(buf, (int) (at - bufStart), buf, 0, keep);
        }
        bufStart = at;
        bufLen = keep;
        int want = (int) Math.min(buf.length, limit - at);
        while (bufLen < n) {
            bufView.limit(want).position(bufLen);
            int read = channel.read(bufView, at + bufLen);
            if (read < 0) {
                throw new EOFException("unexpected end of file at offset " + (at + bufLen) + " (expected data up to "
                        + limit + ")");
            }
            bufLen += read;
        }
        return 0;
    }
}
