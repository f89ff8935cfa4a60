package io.khora.cluster.server.security;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files that must not exist yet: a key, password or credential file readable by its owner
 * only (mode 0600, set when the file is created, so it is never readable by others even for a
 * moment), or a certificate readable by all (0644). An existing file is never overwritten: the
 * write fails with a message naming it.
 */
public final class NewFiles {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private NewFiles() {
    }

    /** Creates {@code file} with {@code text}, mode 0600. */
    public static void writeSecret(Path file, String text) throws IOException {
        write(file, text, PosixFilePermissions.fromString("rw-------"));
    }

    /** Creates {@code file} with {@code text}, mode 0644. */
    public static void writePublic(Path file, String text) throws IOException {
        write(file, text, PosixFilePermissions.fromString("rw-r--r--"));
    }

    /** Creates directory {@code dir} (and its parents) with mode 0700 if it does not exist; an existing one is left as it is. */
    public static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (POSIX) {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectory(dir);
        }
    }

    private static void write(Path file, String text, Set<PosixFilePermission> mode) throws IOException {
        FileAttribute<?>[] attrs = POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)} : new FileAttribute<?>[0];
        try (SeekableByteChannel ch = Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs)) {
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(file.toString(), null, "exists; it is never overwritten (delete it first to replace it)");
        }
        if (POSIX) {
            Files.setPosixFilePermissions(file, mode); // the umask may have removed bits of a certificate's 0644
        }
    }
}
