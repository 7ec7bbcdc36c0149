-- Every configured spend panel (var mmm_panels) in one long table: one row
-- per panel, observation and variable, with the variable's role (target,
-- channel, control) and its value as a double. Panels of public datasets that
-- are absent are skipped. The Python models pivot each panel back to wide.
{%- set panels = mmm_enabled_panels() %}

with

{% for panel_name, panel in panels.items() %}
{%- set order_by = panel.get('order_by') or ([panel.entity] if panel.get('entity') else []) + ([panel.time] if panel.get('time') else []) %}
{%- set variables = [(panel.target, 'target')] %}
{%- for channel in panel.channels %}{% do variables.append((channel, 'channel')) %}{% endfor %}
{%- for control in panel.get('controls', []) %}{% do variables.append((control, 'control')) %}{% endfor %}
{{ validated_identifier(panel_name) }}_source as (
    select * from {{ mmm_panel_relation(panel) }}
),

{{ panel_name }}_numbered as (
    select
        *,
        row_number() over (
            order by
            {%- for column in order_by %}
                {{ validated_identifier(column) }}{{ ',' if not loop.last }}
            {%- else %}
                monotonically_increasing_id()
            {%- endfor %}
        ) as mmm_observation_id,
        {%- if panel.get('time') %}
        dense_rank() over (order by {{ validated_identifier(panel.time) }}) as mmm_time_index
        {%- else %}
        cast(null as int) as mmm_time_index
        {%- endif %}
    from {{ panel_name }}_source
),

{{ panel_name }}_unpivoted as (
    select
        '{{ panel_name }}' as panel_name,
        cast(mmm_observation_id as bigint) as observation_id,
        cast({{ validated_identifier(panel.entity) if panel.get('entity') else 'null' }} as string) as entity_id,
        cast({{ validated_identifier(panel.group) if panel.get('group') else 'null' }} as string) as group_name,
        cast(mmm_time_index as int) as time_index,
        stack(
            {{ variables | length }},
            {%- for variable_name, variable_role in variables %}
            '{{ validated_identifier(variable_name) }}', '{{ variable_role }}', {{ loop.index }},
            cast({{ variable_name }} as double){{ ',' if not loop.last }}
            {%- endfor %}
        ) as (variable_name, variable_role, variable_position, value)
    from {{ panel_name }}_numbered
),

{% endfor %}
unioned as (
    {%- for panel_name in panels %}
    select * from {{ panel_name }}_unpivoted
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    select
        cast(null as string) as panel_name,
        cast(null as bigint) as observation_id,
        cast(null as string) as entity_id,
        cast(null as string) as group_name,
        cast(null as int) as time_index,
        cast(null as string) as variable_name,
        cast(null as string) as variable_role,
        cast(null as int) as variable_position,
        cast(null as double) as value
    where false
    {%- endfor %}
)

select * from unioned
