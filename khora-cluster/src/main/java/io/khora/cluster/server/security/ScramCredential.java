package io.khora.cluster.server.security;

import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.StringPreparation;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * A user's SCRAM-SHA-256 credential (RFC 5802, RFC 7677): what a node keeps instead of the
 * password — the salt, the iteration count, the stored key and the server key. The one place that
 * computes it from a password (for {@code khora certs} and the tests alike), through the
 * {@code com.ongres.scram} functions. In {@code users.yaml}: {@code "<salt>:<iterations>:<stored key>:<server key>"},
 * each key and the salt base64.
 */
public final class ScramCredential {
    /** The fewest iterations accepted (RFC 7677). */
    public static final int MIN_ITERATIONS = 4096;
    /** The iterations of a new credential. */
    public static final int DEFAULT_ITERATIONS = 4096;
    /** The mechanism. */
    static final ScramMechanism MECHANISM = ScramMechanism.SCRAM_SHA_256;
    /** How passwords are normalized (SASLprep, RFC 4013). */
    static final StringPreparation PREPARATION = StringPreparation.SASL_PREPARATION;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] salt;
    private final int iterations;
    private final byte[] storedKey;
    private final byte[] serverKey;

    private ScramCredential(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {
        this.salt = salt.clone();
        this.iterations = iterations;
        this.storedKey = storedKey.clone();
        this.serverKey = serverKey.clone();
    }

    /** A new credential for {@code password}: a random 16-byte salt, {@link #DEFAULT_ITERATIONS}. */
    public static ScramCredential of(char[] password) {
        return of(password, DEFAULT_ITERATIONS, ScramFunctions.salt(16, RANDOM));
    }

    /** The credential for {@code password} with {@code salt} and {@code iterations} (at least {@link #MIN_ITERATIONS}). */
    public static ScramCredential of(char[] password, int iterations, byte[] salt) {
        Objects.requireNonNull(password, "password");
        checkIterations(iterations, "iterations");
        if (password.length == 0) {
            throw new IllegalArgumentException("a password must not be empty");
        }
        byte[] salted = ScramFunctions.saltedPassword(MECHANISM, PREPARATION, password, salt, iterations);
        byte[] clientKey = ScramFunctions.clientKey(MECHANISM, salted);
        return new ScramCredential(salt, iterations, ScramFunctions.storedKey(MECHANISM, clientKey), ScramFunctions.serverKey(MECHANISM, salted));
    }

    /**
     * A credential no password gives (random keys) with {@code salt}: what an unknown user is answered
     * with — made without key derivation, so it takes no longer than a known user's.
     */
    static ScramCredential unmatchable(byte[] salt) {
        byte[] stored = new byte[32];
        byte[] server = new byte[32];
        RANDOM.nextBytes(stored);
        RANDOM.nextBytes(server);
        return new ScramCredential(salt, DEFAULT_ITERATIONS, stored, server);
    }

    /** Parses {@code "<salt>:<iterations>:<stored key>:<server key>"}; {@code where} prefixes errors. */
    public static ScramCredential parse(String text, String where) {
        String[] f = text == null ? new String[0] : text.split(":", -1);
        if (f.length != 4) {
            throw new IllegalArgumentException(where + ": expected \"<salt base64>:<iterations>:<stored key base64>:<server key base64>\"");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(f[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": iterations '" + f[1] + "' is not a whole number");
        }
        checkIterations(iterations, where + ": iterations");
        try {
            Base64.Decoder b = Base64.getDecoder();
            byte[] stored = b.decode(f[2]);
            byte[] server = b.decode(f[3]);
            if (stored.length != 32 || server.length != 32) {
                throw new IllegalArgumentException(where + ": the stored and server keys of SCRAM-SHA-256 are 32 bytes each, got "
                        + stored.length + " and " + server.length);
            }
            return new ScramCredential(b.decode(f[0]), iterations, stored, server);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(where)) {
                throw e;
            }
            throw new IllegalArgumentException(where + ": not base64: " + e.getMessage());
        }
    }

    private static void checkIterations(int iterations, String what) {
        if (iterations < MIN_ITERATIONS) {
            throw new IllegalArgumentException(what + " must be at least " + MIN_ITERATIONS + " (RFC 7677), got " + iterations);
        }
    }

    /** The text form of {@code users.yaml}. */
    public String format() {
        Base64.Encoder b = Base64.getEncoder();
        return b.encodeToString(salt) + ":" + iterations + ":" + b.encodeToString(storedKey) + ":" + b.encodeToString(serverKey);
    }

    /** The salt. */
    public byte[] salt() {
        return salt.clone();
    }

    /** The PBKDF2 iteration count. */
    public int iterations() {
        return iterations;
    }

    /** H(ClientKey): what verifies a client's proof. */
    public byte[] storedKey() {
        return storedKey.clone();
    }

    /** What the node signs its final message with. */
    public byte[] serverKey() {
        return serverKey.clone();
    }

    /** Whether {@code password} gives this credential. */
    public boolean matches(char[] password) {
        ScramCredential other = of(password, iterations, salt);
        return java.security.MessageDigest.isEqual(storedKey, other.storedKey) && java.security.MessageDigest.isEqual(serverKey, other.serverKey);
    }

    @Override
    public String toString() {
        return "SCRAM-SHA-256 credential (" + iterations + " iterations)";
    }
}
