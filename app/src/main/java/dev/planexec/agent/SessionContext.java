package dev.planexec.agent;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a session runs, as Copilot records it: the working directory, the git root above it, the repository (the
 * {@code origin} remote) and the branch. Fields are {@code null} where there is no git repository.
 */
public record SessionContext(String cwd, String gitRoot, String repository, String branch) {

    /** The non-null fields, in a fixed order, as the plan file stores them. */
    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        put(map, "cwd", cwd);
        put(map, "gitRoot", gitRoot);
        put(map, "repository", repository);
        put(map, "branch", branch);
        return map;
    }

    public static SessionContext fromMap(Map<String, String> map) {
        return new SessionContext(map.get("cwd"), map.get("gitRoot"), map.get("repository"), map.get("branch"));
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
