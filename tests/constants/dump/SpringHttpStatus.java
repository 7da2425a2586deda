// Prints Spring's org.springframework.http.HttpStatus as JSON: every enum constant with value() and
// getReasonPhrase(), deprecated ones (annotated @Deprecated) apart. The version is the spring-web jar's
// Implementation-Version.
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

public class SpringHttpStatus {
    public static void main(String[] args) throws Exception {
        Class<?> status = Class.forName("org.springframework.http.HttpStatus");
        Method value = status.getMethod("value");
        Method reason = status.getMethod("getReasonPhrase");
        Map<Integer, List<List<String>>> byCode = new TreeMap<>();
        Map<Integer, String> phrases = new TreeMap<>();
        for (Object constant : status.getEnumConstants()) {
            String name = ((Enum<?>) constant).name();
            int code = (Integer) value.invoke(constant);
            boolean deprecated = status.getField(name).isAnnotationPresent(Deprecated.class);
            List<List<String>> e = byCode.computeIfAbsent(code, k -> List.of(new ArrayList<>(), new ArrayList<>()));
            e.get(deprecated ? 1 : 0).add(name);
            String phrase = (String) reason.invoke(constant);
            if (!deprecated || !phrases.containsKey(code)) {
                phrases.put(code, phrase);
            }
        }
        String version = status.getPackage().getImplementationVersion();
        StringBuilder out = new StringBuilder("{\"version\": " + (version == null ? "null" : Json.str(version)) + ", \"entries\": [");
        String sep = "";
        for (Map.Entry<Integer, List<List<String>>> e : byCode.entrySet()) {
            out.append(sep).append("{\"code\": ").append(e.getKey())
                .append(", \"names\": ").append(Json.list(e.getValue().get(0)))
                .append(", \"deprecated\": ").append(Json.list(e.getValue().get(1)))
                .append(", \"phrase\": ").append(Json.str(phrases.get(e.getKey()))).append("}");
            sep = ", ";
        }
        System.out.println(out.append("]}"));
    }
}
