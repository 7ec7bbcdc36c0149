{#
    Market mix: the panels of var('mmm_panels') that can be built (a panel
    with `requires_public_data` is kept only when that dataset is present),
    and the relation of one panel (`relation`: a dbt model or seed, through
    ref(); `table`: schema.table already in Spark).
#}
{% macro mmm_enabled_panels() %}
    {% set enabled = {} %}
    {% set configured = var('mmm_panels', {}) %}
    {# Not a mapping only under sqlfluff's stand-in `var`: lint with no panel. #}
    {% if configured is not mapping %}{% set configured = {} %}{% endif %}
    {% for panel_name, panel in configured.items() %}
        {% set dataset = panel.get('requires_public_data') %}
        {% if not dataset or dataset in var('public_data', {}) %}
            {% for key in ['target', 'channels'] %}
                {% if not panel.get(key) %}
                    {{ exceptions.raise_compiler_error("mmm_panels." ~ panel_name ~ " needs '" ~ key ~ "'") }}
                {% endif %}
            {% endfor %}
            {% if not (panel.get('relation') or panel.get('table')) %}
                {{ exceptions.raise_compiler_error("mmm_panels." ~ panel_name ~ " needs 'relation' or 'table'") }}
            {% endif %}
            {% do enabled.update({validated_identifier(panel_name): panel}) %}
        {% endif %}
    {% endfor %}
    {{ return(enabled) }}
{% endmacro %}


{% macro mmm_panel_relation(panel) %}
    {% if panel.get('relation') %}
        {{ return(ref(validated_identifier(panel.relation))) }}
    {% else %}
        {% set parts = panel.table.split('.') %}
        {% for part in parts %}{% do validated_identifier(part) %}{% endfor %}
        {{ return(parts | join('.')) }}
    {% endif %}
{% endmacro %}
