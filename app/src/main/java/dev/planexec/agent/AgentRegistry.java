package dev.planexec.agent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agents planexec knows, by name: the one list of agent names (plan validation, {@code --agent} and shell
 * completion read {@link #NAMES}), each with the class of its provider, which is made only when asked for.
 */
public final class AgentRegistry {
    /**
     * Every agent, in the order the README lists them, with its provider's class. Class names, not classes: reading
     * {@link #NAMES} (what {@code validate} does) loads no backend.
     */
    private static final String[][] TABLE = {
        {"local", "dev.planexec.agent.local.LocalAgentProvider"},
        {"copilot", "dev.planexec.agent.copilot.CopilotAgentProvider"},
        {"claude", "dev.planexec.agent.cli.ClaudeAgent"},
        {"codex", "dev.planexec.agent.cli.CodexAgent"},
        {"gemini", "dev.planexec.agent.cli.GeminiAgent"},
        {"pi", "dev.planexec.agent.cli.PiAgent"},
        {"cursor", "dev.planexec.agent.cli.CursorAgent"},
    };

    /** Every name a plan or {@code --agent} may use, in the README's order. */
    public static final List<String> NAMES = tableNames();

    private final List<String> names;
    private final Map<String, String> providerClasses;
    private final Map<String, AgentProvider> made = new HashMap<>();

    private AgentRegistry(List<String> names, Map<String, String> providerClasses) {
        this.names = List.copyOf(names);
        this.providerClasses = providerClasses;
    }

    /** Every agent planexec knows; each provider is made the first time it is found. */
    public static AgentRegistry load() {
        Map<String, String> classes = new LinkedHashMap<>();
        for (String[] row : TABLE) {
            classes.put(row[0], row[1]);
        }
        return new AgentRegistry(NAMES, Collections.unmodifiableMap(classes));
    }

    /** A registry of exactly these providers: for tests with a fake backend. */
    public static AgentRegistry of(AgentProvider... providers) {
        List<String> names = new ArrayList<>();
        for (AgentProvider provider : providers) {
            names.add(provider.name());
        }
        AgentRegistry registry = new AgentRegistry(names, Map.of());
        for (AgentProvider provider : providers) {
            registry.made.put(provider.name(), provider);
        }
        return registry;
    }

    /** Names of the agents this registry has, in the README's order for {@link #load}. */
    public List<String> names() {
        return names;
    }

    public synchronized Optional<AgentProvider> find(String name) {
        AgentProvider provider = made.get(name);
        if (provider == null && providerClasses.containsKey(name)) {
            provider = make(providerClasses.get(name));
            made.put(name, provider);
        }
        return Optional.ofNullable(provider);
    }

    private static AgentProvider make(String className) {
        try {
            return Class.forName(className, true, AgentRegistry.class.getClassLoader())
                    .asSubclass(AgentProvider.class)
                    .getDeclaredConstructor()
                    .newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the agent provider " + className + " cannot be made", e);
        }
    }

    private static List<String> tableNames() {
        List<String> names = new ArrayList<>();
        for (String[] row : TABLE) {
            names.add(row[0]);
        }
        return List.copyOf(names);
    }
}
