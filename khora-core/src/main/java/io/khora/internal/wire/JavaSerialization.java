package io.khora.internal.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;

/**
 * The last-resort encoding: Java serialization, for a {@link Serializable} value no other
 * encoding covers. It is the slow path (a stream, a class descriptor per value, reflection) and
 * it runs the class's own deserialization code, so it is only for trusted input: whether a
 * {@link WireInput} calls it is its {@link JavaDeserialization}'s decision. The JVM-wide serial
 * filter ({@code jdk.serialFilter}) applies, then the caller's filter (an allow-list), and this
 * class adds limits of its own so corrupt bytes cannot make it allocate more than the payload can
 * describe.
 */
final class JavaSerialization {
    private JavaSerialization() {
    }

    static byte[] serialize(Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException | RuntimeException e) {
            throw new WireFormatException("cannot encode a value of class " + value.getClass().getName()
                    + ": Java serialization failed (" + e + "); make it Serializable, a record, or use supported types",
                    e);
        }
        return bytes.toByteArray();
    }

    /** Deserializes {@code buf[off, off + len)}, also checked by {@code allow} unless null; failures name {@code offset}. */
    static Object deserialize(byte[] buf, int off, int len, int offset, ObjectInputFilter allow) {
        try (ObjectInputStream in = new ResolvingInput(new ByteArrayInputStream(buf, off, len), len, allow)) {
            return in.readObject();
        } catch (ClassNotFoundException e) {
            throw new WireFormatException("unknown class " + e.getMessage() + " in a Java-serialized value", offset, e);
        } catch (IOException | RuntimeException | LinkageError e) {
            throw new WireFormatException("cannot deserialize a Java-serialized value of " + len + " bytes: " + e,
                    offset, e);
        }
    }

    /** Resolves classes like {@link ClassResolver} and filters against the payload's size. */
    private static final class ResolvingInput extends ObjectInputStream {
        ResolvingInput(InputStream in, int length, ObjectInputFilter allow) throws IOException {
            super(in);
            ObjectInputFilter global = ObjectInputFilter.Config.getSerialFilter();
            setObjectInputFilter(info -> {
                if (global != null && global.checkInput(info) == ObjectInputFilter.Status.REJECTED) {
                    return ObjectInputFilter.Status.REJECTED;
                }
                if (allow != null && allow.checkInput(info) == ObjectInputFilter.Status.REJECTED) {
                    return ObjectInputFilter.Status.REJECTED;
                }
                // every element of an array takes at least one byte of the stream
                if (info.arrayLength() > length || info.depth() > WireOutput.MAX_DEPTH * 4L
                        || info.streamBytes() > length) {
                    return ObjectInputFilter.Status.REJECTED;
                }
                return ObjectInputFilter.Status.UNDECIDED;
            });
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            try {
                return ClassResolver.load(desc.getName());
            } catch (ClassNotFoundException e) {
                return super.resolveClass(desc); // primitives and arrays of them
            }
        }
    }
}
