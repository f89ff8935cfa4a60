package io.khora.internal.wire;

import java.io.ObjectInputFilter;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a {@link WireInput} does with a value encoded by Java serialization (the {@code JAVA_SERIALIZED}
 * tag), decided where the input is read — every {@code WireInput} is made with one:
 *
 * <ul>
 *   <li>{@link #TRUSTED}: data this process wrote (an embedded space's outbox and dead letters, a
 *       node's own answers) or a client decoding the answers of the nodes it chose to connect to.
 *       The value is deserialized with the JVM-wide serial filter ({@code jdk.serialFilter}) and
 *       limits that keep corrupt bytes from allocating more than they describe.</li>
 *   <li>{@link #refused(String)}: input from the network at a node (a client's request, a peer's log
 *       entry or snapshot, a peer's answer). Nothing is deserialized — no class is even looked up:
 *       the read fails with a {@link WireFormatException} naming the class the bytes announce, where
 *       they came from, and how to allow it.</li>
 *   <li>{@link #allowList(String, String)}: network input at a node whose operator opted in: only
 *       classes the {@link ObjectInputFilter} pattern accepts are deserialized (arrays by their
 *       element class; primitives always), with the limits above; anything else is refused like
 *       {@link #refused}.</li>
 * </ul>
 *
 * Immutable. {@link #from(String)} keeps the decision and names another source.
 */
public final class JavaDeserialization {
    /** The setting that allows classes on a node, named in refusals. */
    public static final String SETTING = "java-serialization-allow";

    private enum Mode { TRUSTED, REFUSED, ALLOW_LIST }

    /** Deserialized, as an embedded space always did (see the class comment). */
    public static final JavaDeserialization TRUSTED = new JavaDeserialization(Mode.TRUSTED, null, null, "trusted data");

    private static final int MAX_NAME = 200;

    private final Mode mode;
    private final String pattern;
    private final ObjectInputFilter filter;
    /** A String, or a Supplier of one (described only when a refusal needs it). */
    private final Object source;

    private JavaDeserialization(Mode mode, String pattern, ObjectInputFilter filter, Object source) {
        this.mode = mode;
        this.pattern = pattern;
        this.filter = filter;
        this.source = Objects.requireNonNull(source, "source");
    }

    /** Never deserialized: input from the network at a node, coming from {@code source} ("a request from 10.0.0.7:51234"). */
    public static JavaDeserialization refused(String source) {
        return new JavaDeserialization(Mode.REFUSED, null, null, source);
    }

    /**
     * Deserialized only for classes {@code pattern} allows: an {@link ObjectInputFilter} pattern
     * ({@code com.acme.model.*;java.lang.*;java.util.*}; {@code pkg.*} a package, {@code pkg.**} with
     * its subpackages, {@code !pattern} refuses; limits such as {@code maxdepth=} apply too). A class
     * the pattern does not name is refused.
     *
     * @throws IllegalArgumentException naming the pattern and what is wrong with it
     */
    public static JavaDeserialization allowList(String pattern, String source) {
        Objects.requireNonNull(pattern, SETTING);
        if (pattern.isBlank()) {
            throw new IllegalArgumentException(SETTING + " is empty: give class patterns (e.g. com.acme.model.*;java.lang.*),"
                    + " or leave the setting out to refuse every Java-serialized value");
        }
        ObjectInputFilter f;
        try {
            f = ObjectInputFilter.Config.createFilter(pattern.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(SETTING + " '" + pattern + "' is not a valid ObjectInputFilter pattern: " + e.getMessage(), e);
        }
        return new JavaDeserialization(Mode.ALLOW_LIST, pattern.strip(), f, source);
    }

    /**
     * Network input's decision: refused, or with {@code allowPattern} (null: none) its allow-list;
     * {@link #from} names each source.
     */
    public static JavaDeserialization network(String allowPattern) {
        return allowPattern == null ? refused("network input") : allowList(allowPattern, "network input");
    }

    /** The same decision for input from {@code source}. */
    public JavaDeserialization from(String source) {
        return mode == Mode.TRUSTED ? this : new JavaDeserialization(mode, pattern, filter, source);
    }

    /** The same decision for input from the source {@code describe} names, asked only if a refusal needs it. */
    public JavaDeserialization from(Supplier<String> describe) {
        return mode == Mode.TRUSTED ? this : new JavaDeserialization(mode, pattern, filter, describe);
    }

    /** Whether every Java-serialized value is refused. */
    public boolean refusesAll() {
        return mode == Mode.REFUSED;
    }

    /** The allow-list pattern, or null. */
    public String allowPattern() {
        return pattern;
    }

    /** Where the input comes from. */
    public String source() {
        return source instanceof Supplier<?> s ? String.valueOf(s.get()) : (String) source;
    }

    /** The value Java-serialized in {@code buf[off, off + len)}, found at {@code offset} of its input. */
    Object deserialize(byte[] buf, int off, int len, int offset) {
        return switch (mode) {
            case TRUSTED -> JavaSerialization.deserialize(buf, off, len, offset, null);
            case REFUSED -> throw refusal(announcedClass(buf, off, len), len, offset,
                    "Java objects from the network are not deserialized here");
            case ALLOW_LIST -> {
                String[] rejected = new String[1];
                try {
                    yield JavaSerialization.deserialize(buf, off, len, offset, info -> check(info, rejected));
                } catch (WireFormatException e) {
                    if (rejected[0] != null) {
                        throw refusal(rejected[0], len, offset, "class " + rejected[0] + " is not allowed by the node's " + SETTING
                                + " '" + pattern + "'");
                    }
                    throw e;
                }
            }
        };
    }

    private ObjectInputFilter.Status check(ObjectInputFilter.FilterInfo info, String[] rejected) {
        ObjectInputFilter.Status s = filter.checkInput(info);
        Class<?> c = info.serialClass();
        if (s == ObjectInputFilter.Status.REJECTED) {
            rejected[0] = c == null ? "(a limit of the pattern)" : c.getName();
            return s;
        }
        if (c == null || s == ObjectInputFilter.Status.ALLOWED) {
            return ObjectInputFilter.Status.UNDECIDED; // the size and depth limits still apply
        }
        Class<?> element = c;
        while (element.isArray()) {
            element = element.getComponentType();
        }
        if (element.isPrimitive()) {
            return ObjectInputFilter.Status.UNDECIDED;
        }
        rejected[0] = c.getName();
        return ObjectInputFilter.Status.REJECTED;
    }

    private WireFormatException refusal(String className, int len, int offset, String why) {
        return new WireFormatException("a Java-serialized value (" + (className == null ? "of a class not named in its first bytes"
                : "class " + className) + ", " + len + " bytes) at offset " + offset + " of " + source() + " is refused: " + why
                + "; nothing was deserialized. Use records, enums or the supported types for values that cross the network;"
                + " a node deserializes only the classes its " + SETTING + " setting (an ObjectInputFilter pattern) names",
                (Throwable) null);
    }

    /**
     * The class name a serialization stream announces first (magic, version, an object, enum or array
     * tag, then a class descriptor with its name), read without loading anything; null if the bytes do
     * not have that shape. Only plain name characters are kept, so it can be logged and echoed.
     */
    static String announcedClass(byte[] buf, int off, int len) {
        int p = off;
        int end = off + len;
        if (len < 9 || (buf[p] & 0xFF) != 0xAC || (buf[p + 1] & 0xFF) != 0xED) {
            return null;
        }
        p += 4; // magic and stream version
        int tag = buf[p++] & 0xFF;
        if (tag != 0x73 && tag != 0x7E && tag != 0x75) { // TC_OBJECT, TC_ENUM, TC_ARRAY
            return null;
        }
        if ((buf[p++] & 0xFF) != 0x72) { // TC_CLASSDESC
            return null;
        }
        int n = ((buf[p] & 0xFF) << 8) | (buf[p + 1] & 0xFF);
        p += 2;
        if (n == 0 || p + n > end) {
            return null;
        }
        String name = new String(buf, p, Math.min(n, MAX_NAME), StandardCharsets.ISO_8859_1);
        StringBuilder clean = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            clean.append(Character.isLetterOrDigit(ch) || ".$_[;".indexOf(ch) >= 0 ? ch : '?');
        }
        return n > MAX_NAME ? clean + "…" : clean.toString();
    }

    @Override
    public String toString() {
        return switch (mode) {
            case TRUSTED -> "Java deserialization trusted";
            case REFUSED -> "Java deserialization refused for " + source();
            case ALLOW_LIST -> "Java deserialization of " + pattern + " for " + source();
        };
    }
}
