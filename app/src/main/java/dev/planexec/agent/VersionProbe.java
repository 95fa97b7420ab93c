package dev.planexec.agent;

import dev.planexec.agent.process.ProcessTrees;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What {@code CLI --version} says, for {@code planexec agents}. */
public final class VersionProbe {
    private static final Pattern NUMBER = Pattern.compile("\\d+\\.\\d+\\.\\d+([-+][0-9A-Za-z.-]+)?");
    /** The first run of some CLIs unpacks them into a cache. */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private VersionProbe() {}

    /** The first version number {@code cli --version} prints, or {@code null} if it prints none or fails. */
    public static String read(Path cli, Map<String, String> env) {
        List<String> command = cli.getFileName().toString().endsWith(".js")
                ? List.of("node", cli.toString(), "--version")
                : List.of(cli.toString(), "--version");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process;
        try {
            process = ProcessTrees.start(builder);
        } catch (IOException e) {
            return null;
        }
        try {
            // Read on another thread: a CLI that hangs with its output open must not hang planexec.
            InputStream stdout = process.getInputStream();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return stdout.readNBytes(64 * 1024);
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            byte[] bytes = out.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            Matcher m = NUMBER.matcher(new String(bytes, StandardCharsets.UTF_8));
            return m.find() ? m.group() : null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (process.isAlive()) {
                ProcessTrees.kill(process.toHandle(), Duration.ofSeconds(1));
            }
        }
    }
}
