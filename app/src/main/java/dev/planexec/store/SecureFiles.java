package dev.planexec.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Files and folders only their owner can read: folders 0700, files 0600, whatever the umask. */
public final class SecureFiles {
    public static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private SecureFiles() {}

    /** Creates {@code dir} and any missing parents as 0700 folders; an existing {@code dir} is made 0700. */
    public static Path createDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            Files.setPosixFilePermissions(absolute, DIR);
            return dir;
        }
        Path parent = absolute.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            createDirectories(parent);
        }
        try {
            Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(DIR));
        } catch (FileAlreadyExistsException e) {
            // Made by another thread or process meanwhile; but a file in the way is not ours to change.
            if (!Files.isDirectory(absolute)) {
                throw new FileSystemException(absolute.toString(), null, "a file is in the way, not a folder");
            }
        }
        Files.setPosixFilePermissions(absolute, DIR); // the umask may have narrowed it further; be exact
        return dir;
    }

    /** Opens {@code file} for appending, creating it as 0600. */
    public static FileChannel openAppend(Path file) throws IOException {
        return open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    /** Writes {@code bytes} to {@code file} (created 0600 or truncated). Not atomic: for small private files. */
    public static void write(Path file, byte[] bytes) throws IOException {
        try (FileChannel channel =
                open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(bytes));
        }
    }

    private static FileChannel open(Path file, OpenOption... options) throws IOException {
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(FILE);
        FileChannel channel = FileChannel.open(file, Set.of(options), mode);
        Files.setPosixFilePermissions(file, FILE);
        return channel;
    }

    /** Flushes a folder's entries (a new or renamed file in it) to disk. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Deletes {@code path} and everything below it; missing is fine. */
    public static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (var children = Files.list(path)) {
                for (Path child : (Iterable<Path>) children::iterator) {
                    deleteTree(child);
                }
            }
        }
        Files.deleteIfExists(path);
    }
}
