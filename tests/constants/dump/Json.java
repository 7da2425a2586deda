// JSON output shared by the Java dumpers.
import java.util.ArrayList;
import java.util.List;

class Json {
    static String str(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    static String list(List<String> items) {
        List<String> quoted = new ArrayList<>();
        for (String s : items) quoted.add(str(s));
        return "[" + String.join(", ", quoted) + "]";
    }
}
