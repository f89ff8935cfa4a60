package io.khora.jcache;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;

import javax.cache.CacheException;

/**
 * How keys and values are kept in a cache's space.
 *
 * <p>Store-by-value (the JSR-107 default): a value of a known immutable class (String, boxed
 * primitives, BigInteger, BigDecimal, UUID, enums) is stored as it is; any other value is
 * serialized into a {@link Serialized} and every read deserializes a fresh copy (with the cache
 * manager's class loader), so neither the caller that put it nor one that read it can change the
 * cached value. Keys are copied the same way when an entry is created.
 *
 * <p>Store-by-reference: values are wrapped in a {@link Ref} (which the space does not copy) and
 * keys kept as they are; reads return the very object that was put.
 */
abstract class StoreCodec {
    abstract Object storedKey(Object key);

    abstract Object encode(Object value);

    abstract Object decode(Object stored);

    abstract boolean byValue();

    static StoreCodec byValue(ClassLoader loader) {
        return new ByValue(loader);
    }

    static StoreCodec byReference() {
        return new ByReference();
    }

    /** A serialized value; equal when the bytes are. */
    static final class Serialized implements Serializable {
        private static final long serialVersionUID = 1L;
        final byte[] bytes;

        Serialized(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Serialized s && Arrays.equals(s.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    /** A value held by reference; equal when it is the same object. */
    static final class Ref implements Serializable {
        private static final long serialVersionUID = 1L;
        final transient Object value;

        Ref(Object value) {
            this.value = value;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Ref r && r.value == value;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(value);
        }
    }

    private static final class ByReference extends StoreCodec {
        @Override
        Object storedKey(Object key) {
            return key;
        }

        @Override
        Object encode(Object value) {
            return new Ref(value);
        }

        @Override
        Object decode(Object stored) {
            return stored == null ? null : ((Ref) stored).value;
        }

        @Override
        boolean byValue() {
            return false;
        }
    }

    private static final class ByValue extends StoreCodec {
        private static final Set<Class<?>> IMMUTABLE = Set.of(String.class, Integer.class, Long.class, Short.class,
                Byte.class, Character.class, Boolean.class, Double.class, Float.class, BigInteger.class,
                BigDecimal.class, UUID.class);

        private final ClassLoader loader;

        ByValue(ClassLoader loader) {
            this.loader = loader;
        }

        private static boolean immutable(Object o) {
            return IMMUTABLE.contains(o.getClass()) || o instanceof Enum<?>;
        }

        @Override
        Object storedKey(Object key) {
            return immutable(key) ? key : deserialize(serialize(key, "key"));
        }

        @Override
        Object encode(Object value) {
            return immutable(value) ? value : new Serialized(serialize(value, "value"));
        }

        @Override
        Object decode(Object stored) {
            return stored instanceof Serialized s ? deserialize(s.bytes) : stored;
        }

        @Override
        boolean byValue() {
            return true;
        }

        private static byte[] serialize(Object o, String what) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(o);
            } catch (IOException e) {
                throw new IllegalArgumentException("a cache that stores by value copies each " + what + " by Java serialization,"
                        + " and " + o.getClass().getName() + " cannot be serialized: " + e, e);
            }
            return bytes.toByteArray();
        }

        private Object deserialize(byte[] bytes) {
            try (ObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(bytes), loader)) {
                return in.readObject();
            } catch (IOException | ClassNotFoundException e) {
                throw new CacheException("cannot deserialize a cached value: " + e, e);
            }
        }
    }

    /** Resolves classes with the cache manager's class loader first. */
    private static final class LoaderObjectInputStream extends ObjectInputStream {
        private final ClassLoader loader;

        LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            if (loader != null) {
                try {
                    return Class.forName(desc.getName(), false, loader);
                } catch (ClassNotFoundException ignored) {
                    // fall through: primitives and the JDK's own classes
                }
            }
            return super.resolveClass(desc);
        }
    }
}
