package io.khora.internal.outbox;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The on-disk layout of segment files and records; all numbers big-endian.
 *
 * <pre>
 * segment file  = segment header, record*
 * segment header (16 bytes):
 *   0  int   magic 0x4B484F4C ("KHOL")
 *   4  int   format version (1)
 *   8  long  first sequence of the segment (equal to the number in the file name)
 * record (16 + length bytes):
 *   0  int   length     payload bytes, 0 .. {@link #MAX_PAYLOAD_BYTES}
 *   4  int   crc        CRC32C over bytes 0..3 (length), 8..15 (sequence), then the payload
 *   8  long  sequence
 *   16 byte[length] payload
 * </pre>
 *
 * The checksum covers the length and the sequence as well as the payload, so a damaged length or
 * sequence is detected like damaged data. A file name is the first sequence in twenty decimal
 * digits, e.g. {@code 00000000000000000001.seg}, so segments sort by name without being read.
 */
final class RecordFormat {
    static final int SEGMENT_MAGIC = 0x4B484F4C;
    static final int FORMAT_VERSION = 1;
    static final int SEGMENT_HEADER_BYTES = 16;
    static final int RECORD_HEADER_BYTES = 16;
    /** The largest payload one record may carry (1 GiB). */
    static final int MAX_PAYLOAD_BYTES = 1 << 30;
    static final String SUFFIX = ".seg";

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private RecordFormat() {
    }

    /** The file name of the segment whose first sequence is {@code firstSequence}. */
    static String fileName(long firstSequence) {
        return String.format("%020d%s", firstSequence, SUFFIX);
    }

    /** The first sequence a segment file name stands for, or -1 if it is not a segment name. */
    static long parseFileName(String name) {
        if (name.length() != 20 + SUFFIX.length() || !name.endsWith(SUFFIX)) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < 20; i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
            if (value < 0) {
                return -1;
            }
        }
        return value;
    }

    static void putSegmentHeader(ByteBuffer dst, long firstSequence) {
        dst.putInt(SEGMENT_MAGIC).putInt(FORMAT_VERSION).putLong(firstSequence);
    }

    /** Null if {@code header} (16 bytes from {@code off}) is valid for {@code firstSequence}, else why not. */
    static String checkSegmentHeader(byte[] header, int off, long firstSequence) {
        int magic = (int) INT.get(header, off);
        if (magic != SEGMENT_MAGIC) {
            return String.format("not a segment file (magic 0x%08X, expected 0x%08X)", magic, SEGMENT_MAGIC);
        }
        int version = (int) INT.get(header, off + 4);
        if (version != FORMAT_VERSION) {
            return "unsupported segment format version " + version + " (this build reads " + FORMAT_VERSION + ")";
        }
        long first = (long) LONG.get(header, off + 8);
        if (first != firstSequence) {
            return "header says first sequence " + first + " but the file name says " + firstSequence;
        }
        return null;
    }

    /**
     * The record checksum: CRC32C over the length, the sequence and {@code length} payload bytes
     * from {@code off}. {@code scratch} is a 12-byte work array, so nothing is allocated.
     */
    static int checksum(CRC32C crc, byte[] scratch, int length, long sequence, byte[] payload, int off) {
        crc.reset();
        INT.set(scratch, 0, length);
        LONG.set(scratch, 4, sequence);
        crc.update(scratch, 0, 12);
        crc.update(payload, off, length);
        return (int) crc.getValue();
    }

    /** Starts a checksum over a payload that is fed in pieces; finish with {@link CRC32C#getValue()}. */
    static void startChecksum(CRC32C crc, byte[] scratch, int length, long sequence) {
        crc.reset();
        INT.set(scratch, 0, length);
        LONG.set(scratch, 4, sequence);
        crc.update(scratch, 0, 12);
    }

    static void putRecordHeader(ByteBuffer dst, int length, int crc, long sequence) {
        dst.putInt(length).putInt(crc).putLong(sequence);
    }

    static int length(byte[] header, int off) {
        return (int) INT.get(header, off);
    }

    static int crc(byte[] header, int off) {
        return (int) INT.get(header, off + 4);
    }

    static long sequence(byte[] header, int off) {
        return (long) LONG.get(header, off + 8);
    }

    static boolean allZero(byte[] bytes, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
