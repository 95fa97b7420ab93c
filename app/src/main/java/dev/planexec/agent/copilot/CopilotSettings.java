package dev.planexec.agent.copilot;

import com.github.copilot.sdk.json.ProviderConfig;
import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.CliLookup;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the Copilot backend runs, read from the environment and the command line:
 *
 * <ul>
 *   <li>the CLI: {@code PLANEXEC_COPILOT_CLI}, else one {@code planexec agents install copilot} installed, else
 *       {@code copilot} on {@code PATH};
 *   <li>bring your own key, with the CLI's own variables: {@code COPILOT_PROVIDER_BASE_URL} (turns it on),
 *       {@code COPILOT_PROVIDER_TYPE} ({@code openai}, {@code azure}, {@code anthropic}; default {@code openai}),
 *       {@code COPILOT_PROVIDER_API_KEY} or {@code COPILOT_PROVIDER_BEARER_TOKEN}, {@code COPILOT_PROVIDER_WIRE_API};
 *       without it, the GitHub sign-in the CLI already has;
 *   <li>the model: {@code --model}, else {@code COPILOT_MODEL}, else the CLI's default;
 *   <li>{@code PLANEXEC_INACTIVITY_TIMEOUT}: seconds without any event from a session before its turn is aborted
 *       and the task fails (default 300).
 * </ul>
 *
 * <p>Keys are kept in memory only; {@link #toString()} and every message leave them out.
 */
final class CopilotSettings {
    static final String CLI_VARIABLE = "PLANEXEC_COPILOT_CLI";
    static final String TIMEOUT_VARIABLE = "PLANEXEC_INACTIVITY_TIMEOUT";
    static final String SERVERS_VARIABLE = ServerAddresses.VARIABLE;
    static final Duration DEFAULT_INACTIVITY = Duration.ofSeconds(300);

    private final Path cli;
    private final Map<String, String> env;
    private final Byok byok;
    private final String model;
    private final Duration inactivity;
    private final Path copilotHome;
    private final List<String> servers;

    private CopilotSettings(
            Path cli,
            Map<String, String> env,
            Byok byok,
            String model,
            Duration inactivity,
            Path copilotHome,
            List<String> servers) {
        this.servers = List.copyOf(servers);
        this.cli = cli;
        this.env = Map.copyOf(env);
        this.byok = byok;
        this.model = model;
        this.inactivity = inactivity;
        this.copilotHome = copilotHome;
    }

    static CopilotSettings from(AgentEnvironment environment) throws AgentException {
        Map<String, String> env = environment.env();
        Byok byok = Byok.from(env);
        String model = firstNonBlank(environment.model(), env.get("COPILOT_MODEL"));
        Duration inactivity = inactivity(env.get(TIMEOUT_VARIABLE));
        List<String> servers = servers(env.get(SERVERS_VARIABLE));
        // Copilot servers need no CLI on this machine.
        Path cli = servers.isEmpty() ? locateCli(environment) : null;
        return new CopilotSettings(cli, env, byok, model, inactivity, copilotHome(env), servers);
    }

    /** The Copilot servers to run sessions on ({@code HOST:PORT}); empty to start a CLI here. */
    List<String> servers() {
        return servers;
    }

    /**
     * {@code HOST:PORT} addresses, comma separated.
     *
     * @throws AgentException naming the first that is not one
     */
    static List<String> servers(String value) throws AgentException {
        List<String> servers = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return servers;
        }
        for (String part : value.split(",")) {
            String address = part.strip();
            if (address.isEmpty()) {
                continue;
            }
            String problem = ServerAddresses.problem(address);
            if (problem != null) {
                throw new AgentException(SERVERS_VARIABLE + ": " + problem);
            }
            if (!servers.contains(address)) {
                servers.add(address);
            }
        }
        return servers;
    }

    /** The CLI to run. */
    Path cli() {
        return cli;
    }

    /** A CLI given as a JavaScript file (npm's {@code npm-loader.js}) that cannot run by itself. */
    boolean cliNeedsNode() {
        return cli.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".js") && !Files.isExecutable(cli);
    }

    /** planexec's environment, as it was given. */
    Map<String, String> env() {
        return env;
    }

    /**
     * The CLI's whole environment (the SDK replaces the child's environment with exactly this): planexec's, without
     * the {@code COPILOT_PROVIDER_*} variables. planexec hands the provider to each session itself; left in the
     * environment, the CLI would also apply them at start and refuse to start without a model, and its tools'
     * processes would inherit the key.
     */
    Map<String, String> cliEnv() {
        Map<String, String> cli = new HashMap<>(env);
        cli.keySet().removeIf(name -> name.startsWith("COPILOT_PROVIDER_"));
        return cli;
    }

    /** The user's own model provider, or {@code null} for GitHub sign-in. */
    Byok byok() {
        return byok;
    }

    String model() {
        return model;
    }

    /**
     * Fails unless a model is named where one is needed: with the user's own provider, which has no default (the CLI
     * would say "No model available", pointing at GitHub's settings).
     */
    void requireModel() throws AgentException {
        if (byok != null && model == null) {
            throw new AgentException("COPILOT_PROVIDER_BASE_URL is set, so planexec needs to know the model to ask "
                    + "for: pass --model NAME or set COPILOT_MODEL");
        }
    }

    Duration inactivity() {
        return inactivity;
    }

    /** Where the CLI keeps its state: {@code COPILOT_HOME}, else {@code ~/.copilot}. */
    Path copilotHome() {
        return copilotHome;
    }

    /** Where the CLI keeps its sessions' files for this environment, read without starting it. */
    static Path sessionStateDir(Map<String, String> env) {
        return copilotHome(env).resolve("session-state");
    }

    /** Where the CLI keeps one session's files. */
    Path sessionStateDir() {
        return copilotHome.resolve("session-state");
    }

    /** Every secret value this configuration holds, to be masked wherever text is written. */
    List<String> secrets() {
        List<String> secrets = new ArrayList<>();
        if (byok != null) {
            secrets.addAll(byok.secrets());
        }
        for (String name : List.of("GH_TOKEN", "GITHUB_TOKEN", "COPILOT_GITHUB_TOKEN")) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                secrets.add(value);
            }
        }
        return secrets;
    }

    @Override
    public String toString() {
        return (servers.isEmpty() ? "copilot cli " + cli : "copilot servers " + String.join(", ", servers)) + ", "
                + (byok == null ? "GitHub sign-in" : byok) + ", model " + (model == null ? "(default)" : model)
                + ", inactivity timeout " + inactivity.toSeconds() + "s";
    }

    private static Duration inactivity(String value) throws AgentException {
        if (value == null || value.isBlank()) {
            return DEFAULT_INACTIVITY;
        }
        try {
            long seconds = Long.parseLong(value.trim());
            if (seconds >= 1) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new AgentException(
                TIMEOUT_VARIABLE + " must be a whole number of seconds, 1 or more, not \"" + value + "\"");
    }

    /** {@code PLANEXEC_COPILOT_CLI}, else a CLI planexec installed, else {@code copilot} on {@code PATH}. */
    private static Path locateCli(AgentEnvironment environment) throws AgentException {
        return CliLookup.find(CopilotAgentProvider.NAME, "copilot", CopilotAgentProvider.NPM, environment)
                .map(CliLookup.Found::path)
                .orElseThrow(() -> new AgentException("no Copilot CLI found (none installed by planexec, no 'copilot' "
                        + "on PATH, and " + CLI_VARIABLE + " is not set): run '" + CliVersion.INSTALL + "' (tested: "
                        + CliVersion.range() + "), or set " + CLI_VARIABLE + " to the CLI's path"));
    }

    private static Path copilotHome(Map<String, String> env) {
        String configured = env.get("COPILOT_HOME");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        String home = env.get("HOME");
        return Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home, ".copilot");
    }

    private static String firstNonBlank(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        return b == null || b.isBlank() ? null : b;
    }

    /**
     * The user's own model provider ("bring your own key"), from the variables the Copilot CLI itself reads.
     *
     * @param apiKey or {@code null} (a local server such as Ollama needs none)
     */
    record Byok(String type, String baseUrl, String apiKey, String bearerToken, String wireApi) {

        static Byok from(Map<String, String> env) throws AgentException {
            String baseUrl = blankToNull(env.get("COPILOT_PROVIDER_BASE_URL"));
            if (baseUrl == null) {
                return null;
            }
            try {
                URI uri = new URI(baseUrl);
                if (uri.getScheme() == null
                        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                        || uri.getHost() == null) {
                    throw new URISyntaxException(baseUrl, "not an http or https address");
                }
            } catch (URISyntaxException e) {
                throw new AgentException("COPILOT_PROVIDER_BASE_URL is not an http(s) address: \"" + displayUrl(baseUrl)
                        + "\" (e.g. http://localhost:11434/v1 for Ollama)");
            }
            String type = blankToNull(env.get("COPILOT_PROVIDER_TYPE"));
            type = type == null ? "openai" : type.trim().toLowerCase(Locale.ROOT);
            if (!List.of("openai", "azure", "anthropic").contains(type)) {
                throw new AgentException(
                        "COPILOT_PROVIDER_TYPE must be openai, azure or anthropic, not \"" + type + "\"");
            }
            return new Byok(
                    type,
                    baseUrl,
                    blankToNull(env.get("COPILOT_PROVIDER_API_KEY")),
                    blankToNull(env.get("COPILOT_PROVIDER_BEARER_TOKEN")),
                    blankToNull(env.get("COPILOT_PROVIDER_WIRE_API")));
        }

        ProviderConfig toProvider() {
            ProviderConfig provider = new ProviderConfig().setType(type).setBaseUrl(baseUrl);
            if (apiKey != null) {
                provider.setApiKey(apiKey);
            }
            if (bearerToken != null) {
                provider.setBearerToken(bearerToken);
            }
            // The CLI's own default for custom providers; every OpenAI-compatible server speaks it.
            provider.setWireApi(wireApi == null ? "completions" : wireApi);
            return provider;
        }

        List<String> secrets() {
            List<String> secrets = new ArrayList<>();
            if (apiKey != null) {
                secrets.add(apiKey);
            }
            if (bearerToken != null) {
                secrets.add(bearerToken);
            }
            try {
                String userInfo = new URI(baseUrl).getRawUserInfo();
                if (userInfo != null) {
                    secrets.add(userInfo);
                }
            } catch (URISyntaxException e) {
                // checked when read
            }
            return secrets;
        }

        /** The base address without any user and password in it, for messages. */
        String displayBaseUrl() {
            return displayUrl(baseUrl);
        }

        @Override
        public String toString() {
            return "own provider " + type + " at " + displayBaseUrl()
                    + (apiKey != null || bearerToken != null ? " (with a key)" : " (no key)");
        }

        private static String displayUrl(String url) {
            return url.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1");
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s.trim();
        }
    }
}
