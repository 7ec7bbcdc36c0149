{% macro incremental_days(day_column, month_column, reprocess_days, first_day=none, last_day=none) %}
    {#- The days an incremental run of this month-partitioned model computes:
        from the day after its newest built day, less reprocess_days, to
        last_day (none: open-ended), never before first_day. Returns a dict
        with first_day / last_day (ISO strings; last_day may be none) and
        nothing_new (true when first_day > last_day), and logs the range. -#}
    {#- the newest month from the metastore, then its newest day: one small read -#}
    {%- set months = [] -%}
    {%- for row in run_query('show partitions ' ~ this).rows -%}
        {%- do months.append(row[0].split('=', 1)[1]) -%}
    {%- endfor -%}
    {%- set built, from_day = none, first_day or '0001-01-01' -%}
    {%- if months -%}
        {%- set newest = run_query(
            'select cast(max(' ~ day_column ~ ') as string), cast(date_add(max(' ~ day_column ~ '), '
            ~ (1 - reprocess_days) ~ ') as string) from ' ~ this
            ~ ' where ' ~ month_column ~ " = date '" ~ (months | max) ~ "'"
        ).rows[0] -%}
        {%- set built, from_day = newest[0], newest[1] -%}
    {%- endif -%}
    {%- if first_day and first_day > from_day -%}
        {%- set from_day = first_day -%}
    {%- endif -%}
    {%- set nothing_new = last_day is not none and from_day > last_day -%}
    {%- if nothing_new -%}
        {%- do log(this.identifier ~ ": nothing new to build, built through " ~ built ~ " and the run ends " ~ last_day, info=true) -%}
    {%- else -%}
        {%- do log(this.identifier ~ ": computing the days from " ~ from_day ~ " to " ~ (last_day or "the last event") ~ " (built through " ~ built ~ ")", info=true) -%}
    {%- endif -%}
    {{ return({'first_day': from_day, 'last_day': last_day, 'nothing_new': nothing_new}) }}
{% endmacro %}


{% macro kept_days_of_rewritten_month(day_column, month_column, first_day) %}
    {#- The built rows of first_day's month before first_day, in the table's
        column order: insert_overwrite rewrites whole month partitions, so the
        days of the month that the run does not compute are written back as they
        are (Spark's dynamic overwrite stages its output, so reading the table it
        overwrites is safe). -#}
    {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='quoted') | join(', ') -%}
    select {{ columns }}
    from {{ this }}
    where
        {{ month_column }} = cast(trunc(date '{{ first_day }}', 'MM') as date)
        and {{ day_column }} < date '{{ first_day }}'
{% endmacro %}

