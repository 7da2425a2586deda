// Prints the status code constants of java.net.HttpURLConnection as JSON: every public static final int field
// named HTTP_*, with deprecated ones (annotated @Deprecated) apart. The class has no reason phrases.
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

public class JavaHttpUrlConnection {
    public static void main(String[] args) throws Exception {
        Map<Integer, List<List<String>>> byCode = new TreeMap<>();
        for (Field f : HttpURLConnection.class.getFields()) {
            int m = f.getModifiers();
            if (!Modifier.isStatic(m) || !Modifier.isFinal(m) || f.getType() != int.class || !f.getName().startsWith("HTTP_")) {
                continue;
            }
            int code = f.getInt(null);
            List<List<String>> e = byCode.computeIfAbsent(code, k -> List.of(new ArrayList<>(), new ArrayList<>()));
            e.get(f.isAnnotationPresent(Deprecated.class) ? 1 : 0).add(f.getName());
        }
        StringBuilder out = new StringBuilder("{\"version\": " + Json.str(System.getProperty("java.version")) + ", \"entries\": [");
        String sep = "";
        for (Map.Entry<Integer, List<List<String>>> e : byCode.entrySet()) {
            out.append(sep).append("{\"code\": ").append(e.getKey())
                .append(", \"names\": ").append(Json.list(e.getValue().get(0)))
                .append(", \"deprecated\": ").append(Json.list(e.getValue().get(1)))
                .append(", \"phrase\": null}");
            sep = ", ";
        }
        System.out.println(out.append("]}"));
    }
}
