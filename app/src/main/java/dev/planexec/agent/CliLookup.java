package dev.planexec.agent;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where an agent's CLI is, in this order: {@code PLANEXEC_<AGENT>_CLI}, else a CLI planexec installed ({@code planexec
 * agents install}; the tested version if it is there, else the newest), else the command on {@code PATH}.
 */
public final class CliLookup {
    private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+)*([-+][0-9A-Za-z.-]+)?");

    /** A CLI found, and how: the variable's name, {@code installed by planexec}, or {@code PATH}. */
    public record Found(Path path, String source) {}

    private CliLookup() {}

    /** {@code PLANEXEC_<AGENT>_CLI}. */
    public static String variable(String agent) {
        return "PLANEXEC_" + agent.toUpperCase(Locale.ROOT) + "_CLI";
    }

    /**
     * @param npm how planexec installs this agent's CLI, or {@code null} for an agent it cannot install
     * @return empty if there is no CLI anywhere
     * @throws AgentException if the variable names no usable file (a mistake worth saying rather than looking on)
     */
    public static Optional<Found> find(String agent, String command, NpmCli npm, AgentEnvironment environment)
            throws AgentException {
        String variable = variable(agent);
        String configured = environment.env().get(variable);
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured).toAbsolutePath();
            boolean script = path.getFileName().toString().endsWith(".js");
            if (!Files.isRegularFile(path) || (!Files.isExecutable(path) && !script)) {
                throw new AgentException(variable + "=" + configured + " is not an executable file; point it at the "
                        + agent + " CLI, or unset it"
                        + (npm == null ? "" : " and run 'planexec agents install " + agent + "'"));
            }
            return Optional.of(new Found(path, variable));
        }
        if (npm != null) {
            Optional<Path> installed = installed(agent, npm, environment.stateDir());
            if (installed.isPresent()) {
                return Optional.of(new Found(installed.get(), "installed by planexec"));
            }
        }
        String pathVariable = environment.env().getOrDefault("PATH", "");
        for (String dir : pathVariable.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(new Found(candidate.toAbsolutePath(), "PATH"));
            }
        }
        return Optional.empty();
    }

    /** The CLI of the tested version planexec installed, else of the newest version it installed. */
    static Optional<Path> installed(String agent, NpmCli npm, Path stateDir) {
        Path installs = NpmCli.installs(stateDir);
        if (!Files.isDirectory(installs, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        Path tested = NpmCli.folder(stateDir, agent, npm.testedVersion()).resolve(npm.binary());
        if (Files.isExecutable(tested)) {
            return Optional.of(tested);
        }
        Optional<Path> newest = Optional.empty();
        String newestVersion = null;
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(installs, agent + "-*")) {
            for (Path folder : folders) {
                String version = folder.getFileName().toString().substring(agent.length() + 1);
                Path binary = folder.resolve(npm.binary());
                if (VERSION.matcher(version).matches()
                        && Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)
                        && Files.isExecutable(binary)
                        && (newestVersion == null || VERSIONS.compare(version, newestVersion) > 0)) {
                    newest = Optional.of(binary);
                    newestVersion = version;
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return newest;
    }

    /** Dotted versions by their numbers: 1.0.102 after 1.0.50. */
    public static final Comparator<String> VERSIONS = (a, b) -> {
        String[] x = a.split("[-+]", 2)[0].split("\\.");
        String[] y = b.split("[-+]", 2)[0].split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? parse(x[i]) : 0;
            long q = i < y.length ? parse(y[i]) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return a.compareTo(b);
    };

    private static long parse(String part) {
        try {
            return Long.parseLong(part);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Whether {@code text} can be a version to install: digits and dots, maybe a pre-release tag. */
    public static boolean isVersion(String text) {
        return text != null && VERSION.matcher(text).matches();
    }
}
