{#
    Metastore facts the table materialization's swap needs, from one
    `show table extended` (a metastore call, no Spark job): for each table of
    `schema` whose name matches `pattern` (SHOW TABLES syntax: `*`, `|`), its
    location and its shape (provider, partitioning, bucketing and columns:
    what SET LOCATION cannot change).
#}
{% macro sparkoss__tables_information(schema, pattern) %}
    {%- set tables = {} -%}
    {%- for row in run_query("show table extended in " ~ schema ~ " like '" ~ pattern ~ "'") -%}
        {%- set information = row['information'] -%}
        {%- set location = modules.re.search('(?m)^Location: (.*)$', information) -%}
        {%- set shape = [] -%}
        {%- for line in information.split('\n') -%}
            {%- if line.startswith(('Provider:', 'Partition Columns:', 'Num Buckets:',
                    'Bucket Columns:', 'Sort Columns:', ' |--')) -%}
                {%- do shape.append(line) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do tables.update({row['tableName']: {
            'location': location.group(1) if location else none,
            'shape': shape | join('\n'),
            'partitioned': 'Partition Columns:' in information}}) -%}
    {%- endfor -%}
    {{ return(tables) }}
{% endmacro %}


{#
    Drops a tmp table a killed run left behind. A run killed inside the swap,
    after its first statement, left the tmp table pointing at the target's
    (old) files and its own folder, which holds the new files, unreferenced:
    the leftover is pointed back at its own folder first, so the drop deletes
    that folder and never the files the target reads.
#}
{% macro sparkoss__drop_leftover(relation, location, target_location) %}
    {% if location is not none and location == target_location %}
        {% call statement('detach_leftover', auto_begin=False) -%}
            alter table {{ relation }} set location '{{ location.rsplit('/', 1)[0] ~ '/' ~ relation.identifier }}'
        {%- endcall %}
    {% endif %}
    {% do adapter.drop_relation(relation) %}
{% endmacro %}


{#
    Points `tmp` at the target's old files, then `target` at the new ones (one
    metastore call: a reader sees the old version or the new one, never no
    table), then drops `tmp`, which deletes the old files (it is managed).
    In this order a kill between the statements leaves no folder that no
    table points to (sparkoss__drop_leftover).
#}
{% macro sparkoss__swap_locations(target, tmp, target_location, tmp_location) %}
    {% call statement('release_old_files', auto_begin=False) -%}
        alter table {{ tmp }} set location '{{ target_location }}'
    {%- endcall %}
    {% call statement('swap_location', auto_begin=False) -%}
        alter table {{ target }} set location '{{ tmp_location }}'
    {%- endcall %}
    {% do adapter.drop_relation(tmp) %}
{% endmacro %}
