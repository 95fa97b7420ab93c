package dev.planexec.agent;

import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The backends on the class path, by name. */
public final class AgentRegistry {
    private final Map<String, AgentProvider> providers = new TreeMap<>();

    private AgentRegistry() {}

    /** Every provider listed in {@code META-INF/services/dev.planexec.agent.AgentProvider}. */
    public static AgentRegistry load() {
        AgentRegistry registry = new AgentRegistry();
        for (AgentProvider provider : ServiceLoader.load(AgentProvider.class, AgentRegistry.class.getClassLoader())) {
            registry.providers.put(provider.name(), provider);
        }
        return registry;
    }

    /** A registry of exactly these providers: for tests with a fake backend. */
    public static AgentRegistry of(AgentProvider... providers) {
        AgentRegistry registry = new AgentRegistry();
        for (AgentProvider provider : providers) {
            registry.providers.put(provider.name(), provider);
        }
        return registry;
    }

    /** Names of the backends this build has. */
    public java.util.Set<String> names() {
        return java.util.Collections.unmodifiableSet(providers.keySet());
    }

    public Optional<AgentProvider> find(String name) {
        return Optional.ofNullable(providers.get(name));
    }
}
