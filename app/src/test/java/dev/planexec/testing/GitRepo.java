package dev.planexec.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real git repository in a test folder, driven by the real {@code git}: the user's checkout in the isolation tests.
 *
 * <pre>{@code
 * GitRepo repo = GitRepo.init(tempDir.resolve("repo"));
 * repo.write("a.txt", "one\n").commitAll("first");
 * GitRepo.Snapshot before = repo.snapshot();   // ... run ...   assertEquals(before, repo.snapshot());
 * }</pre>
 */
public record GitRepo(Path dir) {

    /** A new repository on branch {@code main} with a committer configured, and no commit yet. */
    public static GitRepo init(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        GitRepo repo = new GitRepo(dir);
        repo.git("init", "-q", "-b", "main");
        repo.git("config", "user.name", "Test User");
        repo.git("config", "user.email", "test@example.com");
        repo.git("config", "commit.gpgsign", "false");
        return repo;
    }

    public GitRepo write(String file, String content) {
        try {
            Path path = dir.resolve(file);
            Files.createDirectories(path.getParent());
            Files.writeString(path, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public GitRepo commitAll(String message) {
        git("add", "-A");
        git("commit", "-q", "-m", message);
        return this;
    }

    /** Runs git in the repository; its stdout. Fails the test if git fails. */
    public String git(String... args) {
        Result r = run(args);
        if (r.exitCode() != 0) {
            throw new AssertionError("git " + String.join(" ", args) + " failed: " + r.err() + r.out());
        }
        return r.out().strip();
    }

    /** Runs git in the repository, whatever its outcome. */
    public Result run(String... args) {
        return run(dir, args);
    }

    public static Result run(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        try {
            Path err = Files.createTempFile("git-err", ".txt");
            try {
                ProcessBuilder builder = new ProcessBuilder(command);
                // git status would otherwise refresh the index file: the snapshot must not change what it looks at.
                builder.environment().put("GIT_OPTIONAL_LOCKS", "0");
                Process p = builder.redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("git " + String.join(" ", args) + " did not finish");
                }
                return new Result(p.exitValue(), out, Files.readString(err));
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The files changed on {@code branch} by its commits, one path a line. */
    public List<String> filesOn(String rev) {
        return git("ls-tree", "-r", "--name-only", rev).lines().toList();
    }

    /**
     * Everything of the user's checkout a run must not touch: {@code git status --porcelain}, HEAD, the index file's
     * bytes, {@code git stash list}, and the bytes of {@code untracked} (a file the test put there).
     */
    public Snapshot snapshot(String untracked) {
        try {
            return new Snapshot(
                    git("status", "--porcelain", "--untracked-files=all"),
                    git("rev-parse", "HEAD"),
                    git("symbolic-ref", "-q", "HEAD"),
                    java.util.HexFormat.of().formatHex(Files.readAllBytes(dir.resolve(".git/index"))),
                    git("stash", "list"),
                    Files.readString(dir.resolve(untracked)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public record Result(int exitCode, String out, String err) {}

    public record Snapshot(
            String status, String head, String branch, String indexHex, String stashList, String untrackedFile) {}
}
