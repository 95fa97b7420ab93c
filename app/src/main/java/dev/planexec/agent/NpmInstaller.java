package dev.planexec.agent;

import dev.planexec.agent.process.ProcessTrees;
import dev.planexec.store.SecureFiles;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Installs an agent's CLI with npm into planexec's state folder, side by side with other versions:
 * {@code npm install --prefix <state>/agents/<agent>-<version> <package>@<version>}. The user's global install and
 * {@code PATH} are never touched; npm's own download cache (its default, or {@code npm_config_cache}) is used as npm
 * always uses it. The install goes to a temporary folder first and is renamed into place when npm succeeded, so a
 * broken or interrupted install is never taken for a CLI.
 */
public final class NpmInstaller {
    private NpmInstaller() {}

    /**
     * @param version the version to install, or {@code null} for the tested one
     * @return the installed CLI
     * @throws AgentException in one line: no npm, an unusable version, npm failed (with its last line)
     */
    public static Path install(String agent, NpmCli npm, String version, AgentEnvironment environment)
            throws AgentException {
        String wanted = version == null ? npm.testedVersion() : version;
        if (!CliLookup.isVersion(wanted)) {
            throw new AgentException(
                    "--version: \"" + wanted + "\" is not a version (e.g. " + npm.testedVersion() + ")");
        }
        Path npmCommand = findNpm(environment.env());
        Path target = NpmCli.folder(environment.stateDir(), agent, wanted);
        if (Files.isExecutable(target.resolve(npm.binary()))) {
            return target.resolve(npm.binary());
        }
        Path partial = NpmCli.installs(environment.stateDir())
                .resolve("." + agent + "-" + wanted + ".partial-" + UUID.randomUUID());
        try {
            SecureFiles.createDirectories(partial);
            runNpm(npmCommand, partial, npm.packageName() + "@" + wanted, environment.env());
            if (!Files.isExecutable(partial.resolve(npm.binary()))) {
                throw new AgentException("npm installed " + npm.packageName() + "@" + wanted + " but there is no "
                        + npm.binary() + " in it (a platform this package does not ship for?)");
            }
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                SecureFiles.deleteTree(target); // a broken earlier install
            }
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target);
            }
            return target.resolve(npm.binary());
        } catch (IOException e) {
            throw new AgentException("cannot install into " + target + ": " + e.getMessage());
        } finally {
            try {
                if (Files.exists(partial, LinkOption.NOFOLLOW_LINKS)) {
                    SecureFiles.deleteTree(partial);
                }
            } catch (IOException e) {
                // left behind; a later install uses another name
            }
        }
    }

    private static void runNpm(Path npm, Path prefix, String spec, Map<String, String> env)
            throws AgentException, IOException {
        List<String> command = new ArrayList<>(List.of(
                npm.toString(),
                "install",
                "--prefix",
                prefix.toString(),
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--no-update-notifier",
                "--loglevel=error",
                spec));
        Path output = prefix.resolve("npm-output.txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(prefix.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = ProcessTrees.start(builder);
        int exit;
        try {
            exit = process.waitFor();
        } catch (InterruptedException e) {
            ProcessTrees.kill(process.toHandle(), Duration.ofSeconds(2));
            Thread.currentThread().interrupt();
            throw new AgentException("interrupted while npm installed " + spec);
        }
        String said = Files.readString(output, StandardCharsets.UTF_8);
        Files.deleteIfExists(output);
        if (exit != 0) {
            String last = said.lines()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty())
                    .filter(l -> !l.contains("A complete log of this run"))
                    .reduce((a, b) -> b)
                    .orElse("");
            throw new AgentException("npm install " + spec + " failed (exit code " + exit + ")"
                    + (last.isEmpty() ? "" : ": " + last.replaceAll("\\p{Cntrl}", " ")));
        }
    }

    private static Path findNpm(Map<String, String> env) throws AgentException {
        for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, "npm"))) {
                return Path.of(dir, "npm").toAbsolutePath();
            }
        }
        throw new AgentException(
                "planexec installs agent CLIs with npm, which is not on PATH: install Node.js " + "(with npm) first");
    }
}
