{#
    Values from vars end up in SQL identifiers and paths: accept only safe
    characters and fail with a clear message otherwise (no SQL injection
    through `--vars`).
#}
{% macro validated_identifier(value) %}
    {% if not modules.re.fullmatch('[A-Za-z_][A-Za-z0-9_]*', value | string) %}
        {{ exceptions.raise_compiler_error(
            "Invalid identifier '" ~ value ~ "': use letters, digits and underscores only"
        ) }}
    {% endif %}
    {{ return(value) }}
{% endmacro %}


{% macro validated_path(value) %}
    {% if not modules.re.fullmatch('[A-Za-z0-9_./:~ -]+', value | string) %}
        {{ exceptions.raise_compiler_error(
            "Invalid path '" ~ value ~ "': letters, digits, space and _ . / : ~ - only"
        ) }}
    {% endif %}
    {{ return(value) }}
{% endmacro %}
