package dev.planexec.agent.copilot;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Copilot servers' addresses, {@code HOST:PORT}, as {@code --copilot-url}, a plan and the environment give them. */
public final class ServerAddresses {
    /** Copilot servers, comma separated; {@code run --copilot-url} and a plan's {@code copilotUrls} set it too. */
    public static final String VARIABLE = "PLANEXEC_COPILOT_URL";

    private static final Pattern ADDRESS = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+):(\\d{1,5})");

    private ServerAddresses() {}

    /** Why {@code address} is not {@code HOST:PORT}, or {@code null} if it is. */
    public static String problem(String address) {
        Matcher m = ADDRESS.matcher(address);
        if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65535) {
            return "\"" + address + "\" is not HOST:PORT (e.g. 127.0.0.1:4321)";
        }
        return null;
    }
}
