package dev.planexec.agent;

import dev.planexec.agent.process.ProcessTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A working directory's git context, as {@code git} itself reports it. Cached per directory for the length of a
 * run: a plan of thousands of tasks in one folder asks git once.
 */
public final class GitContexts {
    private final Map<Path, SessionContext> cache = new ConcurrentHashMap<>();

    public SessionContext of(Path workingDirectory) {
        Path cwd = workingDirectory.toAbsolutePath().normalize();
        return cache.computeIfAbsent(cwd, GitContexts::read);
    }

    private static SessionContext read(Path cwd) {
        List<String> head = git(cwd, "rev-parse", "--show-toplevel", "--abbrev-ref", "HEAD");
        if (head.size() < 2) {
            return new SessionContext(cwd.toString(), null, null, null);
        }
        List<String> origin = git(cwd, "remote", "get-url", "origin");
        String branch = head.get(1).equals("HEAD") ? null : head.get(1); // detached
        return new SessionContext(cwd.toString(), head.get(0), origin.isEmpty() ? null : origin.get(0), branch);
    }

    /** The command's output lines, or none if git is missing, fails or takes too long. */
    private static List<String> git(Path cwd, String... args) {
        String[] command = new String[args.length + 3];
        command[0] = "git";
        command[1] = "-C";
        command[2] = cwd.toString();
        System.arraycopy(args, 0, command, 3, args.length);
        try {
            Process process = ProcessTrees.launch(new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))));
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return List.of();
            }
            if (process.exitValue() != 0) {
                return List.of();
            }
            return new String(out, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
