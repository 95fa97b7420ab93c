package dev.planexec.isolation;

import dev.planexec.agent.process.ProcessTrees;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The user's own {@code git} command line, one process per call, each in a process group of its own like every other
 * process planexec starts. Nothing here reads a terminal: prompts are off and stdin is {@code /dev/null}.
 *
 * <p>planexec's own calls run with the user's hooks off ({@code core.hooksPath=/dev/null}): a pre-commit hook that
 * reformats or refuses would otherwise decide whether a task is done. {@link #inUserCheckout} keeps them on, for
 * {@code planexec land}, which the user asks for in their own checkout.
 */
public final class Git {
    private static final List<String> OWN_CALLS = List.of(
            "-c", "core.hooksPath=/dev/null",
            "-c", "commit.gpgsign=false",
            "-c", "gc.auto=0",
            "-c", "maintenance.auto=false",
            "-c", "advice.detachedHead=false");

    private final String executable;
    private final List<String> options;

    private Git(String executable, List<String> options) {
        this.executable = executable;
        this.options = options;
    }

    /** Git for planexec's own worktrees and branches. */
    public static Git forOwnWork() {
        return new Git("git", OWN_CALLS);
    }

    /** Git as the user runs it, hooks and all: for the one command that changes the user's checkout. */
    public Git inUserCheckout() {
        return new Git(executable, List.of());
    }

    /** The same git with more {@code -c name=value} settings, such as a commit identity. */
    Git with(String... settings) {
        List<String> more = new ArrayList<>(options);
        for (String s : settings) {
            more.add("-c");
            more.add(s);
        }
        return new Git(executable, more);
    }

    /** Whether {@code git} can be started at all. */
    public static boolean onPath() {
        try {
            return Git.forOwnWork().run(Path.of("/"), "--version").ok();
        } catch (IsolationException e) {
            return false;
        }
    }

    /** Runs {@code git -C dir args...}; its exit code and output, whatever they are. */
    public Result run(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(executable);
        command.addAll(options);
        command.add("-C");
        command.add(dir.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(new File("/dev/null"));
        Map<String, String> env = builder.environment();
        // A git run from inside a hook or another tool exports these; they would point every call at the wrong repo.
        for (String name : List.of(
                "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY", "GIT_PREFIX")) {
            env.remove(name);
        }
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("GIT_EDITOR", "true");
        env.put("GIT_MERGE_AUTOEDIT", "no");
        env.put("LC_ALL", "C");
        Process process;
        try {
            process = ProcessTrees.start(builder);
        } catch (IOException e) {
            throw new IsolationException("cannot run git (" + e.getMessage() + "): install git or put it on PATH");
        }
        try {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errReader = new Thread(() -> copy(process.getErrorStream(), err), "git-stderr");
            errReader.setDaemon(true);
            errReader.start();
            byte[] out = process.getInputStream().readAllBytes();
            int code = process.waitFor();
            errReader.join();
            return new Result(
                    code,
                    new String(out, StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8).strip(),
                    String.join(" ", args));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IsolationException("interrupted while git " + String.join(" ", args) + " ran");
        } finally {
            ProcessTrees.forget(process.toHandle());
        }
    }

    /** Runs git and returns its output, stripped; a failure is an {@link IsolationException} with git's message. */
    public String out(Path dir, String... args) {
        return run(dir, args).orThrow().out().strip();
    }

    private static void copy(InputStream in, ByteArrayOutputStream to) {
        try {
            in.transferTo(to);
        } catch (IOException e) {
            // The process ended; what it wrote so far is all there is.
        }
    }

    /** One git call's outcome. */
    public record Result(int exitCode, String out, String err, String what) {
        public boolean ok() {
            return exitCode == 0;
        }

        public Result orThrow() {
            if (!ok()) {
                String message = err.isBlank() ? out.strip() : err;
                throw new IsolationException("git " + what + " failed: " + firstLines(message));
            }
            return this;
        }

        public List<String> lines() {
            return out.lines().filter(l -> !l.isBlank()).toList();
        }

        private static String firstLines(String message) {
            List<String> lines = message.lines().limit(3).toList();
            return String.join("; ", lines);
        }
    }
}
