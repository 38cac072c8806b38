create table app_note (
    id   bigint       not null,
    text varchar(255) not null,
    constraint app_note_pk primary key (id)
);
