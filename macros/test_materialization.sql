{#-
    dbt's test materialization, except that `store_failures` keeps a test's failing
    rows only when it warns or fails. dbt's own writes a view (or table) for every
    test before counting its rows: on this project's small data that write is a
    metastore round trip per test, and the passing tests' views are empty anyway
    (dbt-core#4973). A test that passes drops the view an earlier failure left.
-#}
{%- materialization test, default -%}

    {% set limit = config.get('limit') %}
    {% set sql_header = config.get('sql_header') if flags.REQUIRE_SQL_HEADER_IN_TEST_CONFIGS else none %}
    {% set sql_with_limit %}{{ get_limit_subquery_sql(sql, limit) }}{% endset %}

    {% call statement('main', fetch_result=True) -%}
        {% if sql_header %}{{ sql_header }}{% endif %}
        {{ get_test_sql(sql_with_limit, config.get('fail_calc'), config.get('warn_if'), config.get('error_if'), limit=none) }}
    {%- endcall %}

    {% set relations = [] %}
    {% if should_store_failures() %}
        {% set _failures, should_warn, should_error = load_result('main')['data'][0] %}
        {% set store_failures_as = config.get('store_failures_as') or 'table' %}
        {% if store_failures_as not in ['table', 'view'] %}
            {{ exceptions.raise_compiler_error(
                "'" ~ store_failures_as ~ "' is not a valid value for `store_failures_as`: "
                ~ "use 'table' or 'view'") }}
        {% endif %}
        {% set old_relation = adapter.get_relation(database=database, schema=schema, identifier=model['alias']) %}
        {% set target_relation = api.Relation.create(
            identifier=model['alias'], schema=schema, database=database, type=store_failures_as) %}
        {% set keep = should_warn or should_error %}
        {# A view replaces a view in place; anything else goes first. #}
        {% if old_relation and not (keep and old_relation.is_view and target_relation.is_view) %}
            {% do adapter.drop_relation(old_relation) %}
        {% endif %}
        {% if keep %}
            {% call statement(auto_begin=True) %}
                {% if sql_header %}{{ sql_header }}{% endif %}
                {{ get_create_sql(target_relation, sql_with_limit) }}
            {% endcall %}
            {% do relations.append(target_relation) %}
            {{ adapter.commit() }}
        {% endif %}
    {% endif %}

    {{ return({'relations': relations}) }}

{%- endmaterialization -%}
