package io.khora.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Golden-byte files: the checked-in bytes of a persistent format, which later versions must keep
 * writing (for the current version) and keep reading (for every version).
 *
 * <p>A golden file is {@code src/test/resources/golden/<format>/<sample>.hex} of the module whose
 * test uses it (the directory Maven runs the tests in): hex text, 32 bytes per line, a space
 * between bytes, so that a diff shows which bytes changed; lines starting with {@code #} are
 * comments. Run the tests with {@code -Dgolden.write=true} to (re)write the files of the samples
 * the tests encode — only when adding a format version or a sample, never to make a changed
 * encoding pass: a format change adds a new version and new golden files, and the old ones stay.
 */
public final class GoldenBytes {
    /** The system property that makes {@link #assertMatches} write the golden files instead of comparing. */
    public static final String WRITE_PROPERTY = "golden.write";
    private static final int PER_LINE = 32;
    private static final String HOW_TO_WRITE = "run the test with -D" + WRITE_PROPERTY + "=true (e.g. mvn -o -pl <module> -am test"
            + " -Dtest=<TestClass> -Dsurefire.failIfNoSpecifiedTests=false -D" + WRITE_PROPERTY + "=true) to create it, check the"
            + " bytes, and commit it";

    private GoldenBytes() {
    }

    /** The directory golden files are read from and written to (relative to the module). */
    public static Path root() {
        return Path.of(System.getProperty("golden.dir", "src/test/resources/golden"));
    }

    /** The golden file of {@code sample} of {@code format}. */
    public static Path file(String format, String sample) {
        return root().resolve(format).resolve(sample + ".hex");
    }

    /** Whether this run (re)writes golden files ({@code -Dgolden.write=true}). */
    public static boolean writing() {
        return Boolean.getBoolean(WRITE_PROPERTY);
    }

    /**
     * Skips the calling test while golden files are being written ({@code -Dgolden.write=true}): tests that decode
     * golden files call it first, as the files may not be written yet; run the tests again without the property.
     */
    public static void assumeReading() {
        org.junit.jupiter.api.Assumptions.assumeFalse(writing(), "golden files are being written (-D" + WRITE_PROPERTY
                + "=true): run again without it to check that they decode");
    }

    /**
     * Asserts that {@code actual} (the current encoding of {@code sample}) equals the golden bytes of
     * {@code format}/{@code sample}; with {@code -Dgolden.write=true} writes them instead. Fails with
     * the first differing offset, or with how to create the file if it is missing.
     */
    public static void assertMatches(String format, String sample, byte[] actual) {
        if (writing()) {
            write(format, sample, actual);
            return;
        }
        byte[] golden = read(format, sample);
        String difference = difference(golden, actual);
        if (difference != null) {
            throw new AssertionError("the encoding of " + format + "/" + sample + " no longer matches its golden file "
                    + file(format, sample) + ": " + difference + ".\nA persistent format must not change: if the change is"
                    + " intended, add a new format version with new golden files and keep the old ones (they must still decode).");
        }
    }

    /**
     * {@link #assertMatches} for every sample of {@code format}: {@code encodings} maps each sample's name to its
     * encoding. Fails once, listing every sample that differs or lacks its golden file.
     */
    public static void assertAllMatch(String format, Map<String, Supplier<byte[]>> encodings) {
        List<String> failures = new ArrayList<>();
        encodings.forEach((sample, encoding) -> {
            try {
                assertMatches(format, sample, encoding.get());
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
        });
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " of " + encodings.size() + " samples of " + format
                    + " do not match their golden files:\n" + String.join("\n\n", failures));
        }
    }

    /**
     * The samples a decoding test checks: those with a golden file (every earlier version's included) and those the
     * test expects (so that a missing file fails with how to create it), sorted.
     */
    public static List<String> samplesToDecode(String format, Collection<String> expected) {
        Set<String> all = new TreeSet<>(expected);
        if (Files.isDirectory(root().resolve(format))) {
            all.addAll(samples(format));
        }
        return List.copyOf(all);
    }

    /** Something that decodes golden bytes, and may fail. */
    @FunctionalInterface
    public interface Decoding<T> {
        /** The decoded value. */
        T decode() throws Exception;
    }

    /** What {@code decoding} answers; if it throws, an assertion error naming the golden file (with the cause). */
    public static <T> T decoded(String format, String sample, Decoding<T> decoding) {
        try {
            return decoding.decode();
        } catch (Exception | AssertionError e) {
            throw new AssertionError("the golden file " + file(format, sample) + " no longer decodes: " + e, e);
        }
    }

    /** The golden bytes of {@code format}/{@code sample}; fails with how to create the file if it is missing. */
    public static byte[] read(String format, String sample) {
        Path f = file(format, sample);
        if (!Files.exists(f)) {
            throw new AssertionError("the golden file " + f.toAbsolutePath() + " is missing: " + HOW_TO_WRITE);
        }
        try {
            return fromHex(Files.readString(f, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        } catch (IllegalArgumentException e) {
            throw new AssertionError("the golden file " + f + " is not hex text: " + e.getMessage(), e);
        }
    }

    /** The samples {@code format} has golden files of (file names without {@code .hex}), sorted. */
    public static List<String> samples(String format) {
        Path dir = root().resolve(format);
        if (!Files.isDirectory(dir)) {
            throw new AssertionError("there are no golden files in " + dir.toAbsolutePath() + ": " + HOW_TO_WRITE);
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<String> out = new ArrayList<>();
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".hex")).sorted()
                    .forEach(n -> out.add(n.substring(0, n.length() - ".hex".length())));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** Writes {@code bytes} as the golden file of {@code format}/{@code sample}. */
    public static void write(String format, String sample, byte[] bytes) {
        Path f = file(format, sample);
        try {
            Files.createDirectories(f.getParent());
            Files.writeString(f, "# " + format + "/" + sample + ": " + bytes.length + " bytes, " + PER_LINE + " a line\n"
                    + toHex(bytes), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f, e);
        }
    }

    /** Null if equal, else where and how {@code actual} differs from {@code golden}. */
    static String difference(byte[] golden, byte[] actual) {
        int n = Math.min(golden.length, actual.length);
        for (int i = 0; i < n; i++) {
            if (golden[i] != actual[i]) {
                return String.format("first difference at offset %d (0x%X; line %d, byte %d of the file): golden %02x, actual %02x"
                        + " (golden %d bytes, actual %d)%n  golden from %d: %s%n  actual from %d: %s",
                        i, i, i / PER_LINE + 1, i % PER_LINE, golden[i] & 0xFF, actual[i] & 0xFF, golden.length, actual.length,
                        Math.max(0, i - 8), window(golden, i), Math.max(0, i - 8), window(actual, i));
            }
        }
        if (golden.length != actual.length) {
            return String.format("the first %d bytes agree, then the %s is longer (golden %d bytes, actual %d)%n  extra: %s", n,
                    golden.length > actual.length ? "golden file" : "encoding", golden.length, actual.length,
                    window(golden.length > actual.length ? golden : actual, n));
        }
        return null;
    }

    private static String window(byte[] b, int at) {
        int from = Math.max(0, at - 8);
        int to = Math.min(b.length, at + 16);
        StringBuilder s = new StringBuilder();
        for (int i = from; i < to; i++) {
            s.append(i == at ? "[" : "").append(String.format("%02x", b[i] & 0xFF)).append(i == at ? "]" : "").append(' ');
        }
        return s.toString().trim();
    }

    /** {@code bytes} as lower-case hex, {@value #PER_LINE} bytes a line separated by spaces, each line ended. */
    public static String toHex(byte[] bytes) {
        StringBuilder s = new StringBuilder(bytes.length * 3 + 1);
        for (int i = 0; i < bytes.length; i++) {
            s.append(Character.forDigit((bytes[i] >> 4) & 0xF, 16)).append(Character.forDigit(bytes[i] & 0xF, 16));
            s.append((i + 1) % PER_LINE == 0 || i == bytes.length - 1 ? '\n' : ' ');
        }
        return s.toString();
    }

    /** The bytes of hex text: whitespace between digit pairs and {@code #} comment lines are ignored. */
    public static byte[] fromHex(String text) {
        StringBuilder digits = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (!line.strip().startsWith("#")) {
                for (int i = 0; i < line.length(); i++) {
                    char c = line.charAt(i);
                    if (!Character.isWhitespace(c)) {
                        if (Character.digit(c, 16) < 0) {
                            throw new IllegalArgumentException("'" + c + "' is not a hex digit");
                        }
                        digits.append(c);
                    }
                }
            }
        }
        if (digits.length() % 2 != 0) {
            throw new IllegalArgumentException("an odd number of hex digits");
        }
        byte[] out = new byte[digits.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
