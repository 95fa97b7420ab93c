package dev.planexec.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file atomically and durably: a reader at any moment, even after a power cut, finds either the old
 * content or the new, never a mix.
 *
 * <p>The file stays the user's: a symbolic link (or a chain of them) stays a link and the file it ends at is the one
 * replaced, with a temporary file beside it; owner, group and mode are the same after a save as before. Nothing is
 * ever written through a link: the temporary file is created new ({@code O_EXCL}, {@code O_NOFOLLOW}), and the
 * rename replaces the target's name, not what a name points to.
 */
public final class AtomicFile {
    /** Linux gives up after 40 links in a path; so do we, and call it a loop. */
    private static final int MAX_LINKS = 40;

    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private AtomicFile() {}

    /**
     * Writes {@code bytes} to a temporary file beside the file {@code target} names (following links), forces it to
     * disk, gives it the target's owner, group and mode, renames it over the target and forces the folder. A target
     * that does not exist yet is created (mode 0644). On any failure the temporary file is removed and the target
     * is untouched.
     *
     * @throws IOException also if {@code target} is a link to nothing, a loop of links, or not a regular file
     */
    public static void replace(Path target, byte[] bytes) throws IOException {
        Path file = resolve(target);
        PosixFileAttributes before = attributesOf(file);
        if (before == null && !file.equals(target.toAbsolutePath().normalize())) {
            throw new NoSuchFileException(
                    target.toString(), null, "a link to " + file + ", which does not exist; not writing through it");
        }
        if (before != null && !before.isRegularFile()) {
            throw new FileSystemException(file.toString(), null, "not a regular file; not replacing it");
        }
        Path dir = file.getParent();
        Path temp = dir.resolve("." + file.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(
                    temp,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(SecureFiles.FILE))) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            // NOFOLLOW: lchown, and chmod through an O_NOFOLLOW descriptor, so a link swapped in for the temporary
            // file meanwhile is refused rather than followed. Owner first: chown may clear set-id bits.
            PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class, NOFOLLOW);
            if (before == null) {
                view.setPermissions(PosixFilePermissions.fromString("rw-r--r--"));
            } else {
                keepOwner(view, before);
                view.setPermissions(before.permissions());
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            SecureFiles.syncDirectory(dir);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // The folder refuses changes; the failure that brought us here is the one to report.
                }
            }
        }
    }

    /**
     * The file {@code path} ends at once every symbolic link on the way is followed: {@code path} itself if it is not
     * a link (or does not exist). The result is absolute; it may not exist, if the last link points to nothing.
     *
     * @throws FileSystemException for a loop of links
     */
    public static Path resolve(Path path) throws IOException {
        Path current = path.toAbsolutePath().normalize();
        for (int hops = 0; hops <= MAX_LINKS; hops++) {
            if (!Files.isSymbolicLink(current)) {
                return current;
            }
            Path next = Files.readSymbolicLink(current);
            current = current.resolveSibling(next).normalize();
        }
        throw new FileSystemException(path.toString(), null, "a loop of symbolic links (more than " + MAX_LINKS + ")");
    }

    /**
     * Why a save of {@code path} could not keep what {@link #replace} promises, said so the user knows what to do;
     * empty if it can. Checked before a run starts, so that nothing has run when it is refused.
     *
     * <ul>
     *   <li>a link to nothing, or a loop of links;
     *   <li>a file with more than one hard link: a rename gives one name the new file, and the other names would go
     *       on seeing the old plan, so the file would quietly split in two.
     * </ul>
     */
    public static Optional<String> whyNotReplaceable(Path path) {
        Path file;
        try {
            file = resolve(path);
        } catch (IOException e) {
            return Optional.of(path + ": " + reason(e) + "; point it at the plan file");
        }
        PosixFileAttributes attributes;
        try {
            attributes = attributesOf(file);
        } catch (IOException e) {
            return Optional.of(path + ": cannot read its attributes: " + reason(e));
        }
        if (attributes == null) {
            return Optional.of(
                    file.equals(path.toAbsolutePath().normalize())
                            ? path + ": no such file"
                            : path + ": a symbolic link to " + file
                                    + ", which does not exist; point the link at the plan file");
        }
        long links = hardLinks(file);
        if (links > 1) {
            return Optional.of(path + (file.equals(path.toAbsolutePath().normalize()) ? "" : " (" + file + ")")
                    + " has " + links + " hard links, and a save (a new file renamed over this name) would leave the"
                    + " other names with the old plan; run a copy, or keep one name and make the others symbolic"
                    + " links (ln -sf)");
        }
        return Optional.empty();
    }

    private static void keepOwner(PosixFileAttributeView view, PosixFileAttributes before) throws IOException {
        PosixFileAttributes now = view.readAttributes();
        try {
            if (!now.owner().equals(before.owner())) {
                view.setOwner(before.owner());
            }
        } catch (FileSystemException e) {
            // Only root may give a file away; a user saving a file they may write but do not own makes it theirs,
            // as every editor does. The README says so.
        }
        try {
            if (!now.group().equals(before.group())) {
                view.setGroup(before.group());
            }
        } catch (FileSystemException e) {
            // Not one of this user's groups: as above.
        }
    }

    /** The attributes of {@code file} itself (not of a link's target), or {@code null} if it does not exist. */
    private static PosixFileAttributes attributesOf(Path file) throws IOException {
        try {
            return Files.readAttributes(file, PosixFileAttributes.class, NOFOLLOW);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static long hardLinks(Path file) {
        try {
            Object n = Files.getAttribute(file, "unix:nlink", NOFOLLOW);
            return n instanceof Number number ? number.longValue() : 1;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return 1; // a file system that does not count links has none to split
        }
    }

    private static String reason(IOException e) {
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
