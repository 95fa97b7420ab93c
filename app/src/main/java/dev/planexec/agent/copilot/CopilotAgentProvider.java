package dev.planexec.agent.copilot;

import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentProvider;
import dev.planexec.agent.AgentRuntime;
import dev.planexec.agent.AgentStatus;
import dev.planexec.agent.CliLookup;
import dev.planexec.agent.NpmCli;
import dev.planexec.agent.VersionProbe;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * GitHub Copilot through the official Java SDK ({@code com.github:copilot-sdk-java}) and the Copilot CLI ({@code
 * planexec agents install copilot} installs a tested one; {@link CliVersion} names the versions). See {@link
 * CopilotSettings} for what configures it.
 */
public final class CopilotAgentProvider implements AgentProvider {
    public static final String NAME = "copilot";

    /** The npm package; its native CLI for this machine is inside it, beside the package's JavaScript loader. */
    static final NpmCli NPM = new NpmCli(
            "@github/copilot",
            CliVersion.NEWEST_TESTED.toString(),
            "node_modules/@github/copilot-" + platform() + "/copilot");

    @Override
    public String name() {
        return NAME;
    }

    /** Starts the run's Copilot CLI; fails with a one-line message if it cannot be used here. */
    @Override
    public AgentRuntime open(AgentEnvironment environment) throws AgentException {
        List<String> servers = CopilotSettings.servers(environment.env().get(CopilotSettings.SERVERS_VARIABLE));
        return servers.isEmpty() ? CopilotRuntime.open(environment) : CopilotServers.open(environment, servers);
    }

    /** The CLI's own log of the session ({@link CopilotTranscript}), read from its home, the CLI not started. */
    @Override
    public Optional<List<String>> transcript(AgentEnvironment environment, String sessionId)
            throws java.io.IOException {
        return CopilotTranscript.of(CopilotSettings.sessionStateDir(environment.env()), sessionId);
    }

    @Override
    public Optional<NpmCli> npm() {
        return Optional.of(NPM);
    }

    /** Finds the CLI, reads its version, then starts it and asks whether it is signed in (or its model answers). */
    @Override
    public AgentStatus status(AgentEnvironment environment) {
        String tested = CliVersion.range();
        List<String> servers;
        try {
            servers = CopilotSettings.servers(environment.env().get(CopilotSettings.SERVERS_VARIABLE));
        } catch (AgentException e) {
            return new AgentStatus(NAME, null, null, null, tested, false, e.getMessage());
        }
        if (!servers.isEmpty()) {
            return serversStatus(environment, servers, tested);
        }
        CliLookup.Found found;
        try {
            found = CliLookup.find(NAME, "copilot", NPM, environment).orElse(null);
        } catch (AgentException e) {
            return new AgentStatus(NAME, null, null, null, tested, false, e.getMessage());
        }
        if (found == null) {
            return new AgentStatus(
                    NAME, null, null, null, tested, false, "no Copilot CLI: run '" + CliVersion.INSTALL + "'");
        }
        String cli = found.path().toString();
        String version = VersionProbe.read(found.path(), environment.env());
        Optional<CliVersion> parsed = version == null ? Optional.empty() : CliVersion.parse(version);
        if (parsed.isPresent() && !parsed.get().supported()) {
            return new AgentStatus(
                    NAME, cli, found.source(), version, tested, false, CliVersion.tooOld(parsed.get(), cli));
        }
        try (CopilotRuntime runtime = CopilotRuntime.open(environment)) {
            runtime.checkReady();
            String how = runtime.access();
            if (parsed.isPresent() && parsed.get().untested()) {
                how = CliVersion.untestedNotice(parsed.get()) + "; " + how;
            }
            return new AgentStatus(NAME, cli, found.source(), version, tested, true, how);
        } catch (AgentException e) {
            return new AgentStatus(NAME, cli, found.source(), version, tested, false, e.getMessage());
        }
    }

    /** With Copilot servers, the CLI is theirs: ready when they answer and are signed in (or the model answers). */
    private static AgentStatus serversStatus(AgentEnvironment environment, List<String> servers, String tested) {
        String cli = "Copilot servers " + String.join(", ", servers);
        try (CopilotServers runtime = CopilotServers.open(environment, servers)) {
            runtime.checkReady();
            List<String> notices = runtime.notices();
            return new AgentStatus(
                    NAME,
                    cli,
                    CopilotSettings.SERVERS_VARIABLE,
                    null,
                    tested,
                    true,
                    notices.isEmpty() ? "every server answers" : String.join("; ", notices));
        } catch (AgentException e) {
            return new AgentStatus(NAME, cli, CopilotSettings.SERVERS_VARIABLE, null, tested, false, e.getMessage());
        }
    }

    /** npm's name for this machine's native Copilot CLI package: {@code linux-x64}, {@code darwin-arm64}, ... */
    private static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String system = os.contains("mac") ? "darwin" : os.contains("win") ? "win32" : "linux";
        return system + "-" + (arch.contains("aarch64") || arch.contains("arm64") ? "arm64" : "x64");
    }
}
