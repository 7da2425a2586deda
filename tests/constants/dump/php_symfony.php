<?php
// Prints Symfony's Response status constants as JSON: every HTTP_* class constant whose value is a status code,
// with Response::$statusTexts for its code. A constant whose doc comment says @deprecated is listed apart.
// The first argument is the path of the HttpFoundation autoloader; the second the version being checked.
require $argv[1];

use Symfony\Component\HttpFoundation\Response;

$entries = [];
$class = new ReflectionClass(Response::class);
foreach ($class->getReflectionConstants() as $constant) {
    $name = $constant->getName();
    $value = $constant->getValue();
    if (strpos($name, 'HTTP_') !== 0 || !is_int($value) || $value < 100 || $value > 999) {
        continue;
    }
    $entries[$value] = $entries[$value] ?? ['code' => $value, 'names' => [], 'deprecated' => [], 'phrase' => null];
    $deprecated = strpos((string) $constant->getDocComment(), '@deprecated') !== false;
    $entries[$value][$deprecated ? 'deprecated' : 'names'][] = $name;
}
foreach (Response::$statusTexts as $code => $phrase) {
    $entries[$code] = $entries[$code] ?? ['code' => $code, 'names' => [], 'deprecated' => [], 'phrase' => null];
    $entries[$code]['phrase'] = $phrase;
}
ksort($entries);
echo json_encode(['version' => $argv[2] ?? null, 'entries' => array_values($entries)]), "\n";
