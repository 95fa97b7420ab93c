package dev.planexec.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A {@code git} that runs a few lines of {@code sh} first, then the real git with the same arguments: how a test
 * watches (or cuts short, with kill -9) what planexec asks of git at a given moment.
 */
final class GitWrapper {
    private GitWrapper() {}

    /**
     * Writes the wrapper into {@code bin} and returns a {@code PATH} with it first.
     *
     * @param script {@code sh} lines run before git, with the arguments in {@code $@}
     */
    static String path(Path bin, String script) throws IOException {
        String realGit = null;
        for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "git");
            if (Files.isExecutable(candidate)) {
                realGit = candidate.toString();
                break;
            }
        }
        if (realGit == null) {
            throw new AssertionError("git is not on PATH");
        }
        Files.createDirectories(bin);
        Path wrapper = bin.resolve("git");
        Files.writeString(wrapper, "#!/bin/sh\n" + script + "exec '" + realGit + "' \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
        return bin + File.pathSeparator + System.getenv("PATH");
    }
}
